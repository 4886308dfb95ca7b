"""Audit 21: one text, two spellings.

- Text that differs only in Unicode form (an accent stored apart, as macOS
  file names and some exports write it) is one text to Unicode, but
  ``tags_from_values`` made two tags of ``café`` and ``café`` and a mapping
  key in one form silently missed values in the other (no tag, no error
  with ``unmapped="ignore"``). Answer words (``as_category``: satisfaction,
  yes/no, contact kinds, custom levels) were matched in one form only.
- The Chinese answer words read in simplified characters only: 投訴 and
  回訪 were refused as contact kinds, 無 was not "no", 不詳 and 無 were
  filled values in a profile and tags in a tag matrix.
"""

from __future__ import annotations

import types
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from custseg import _categories, lifecycle, loyalty, relationship, rules, value
from custseg._categories import YES_NO_ALIASES, as_category, normalize
from custseg.errors import InputError, ThresholdError

SOME = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

#: simplified -> traditional, for the characters of the built-in words
#: (written here by hand, apart from the library's table)
TO_TRADITIONAL = str.maketrans(
    {
        "业": "業", "买": "買", "产": "產", "伙": "夥", "动": "動", "咨": "諮",
        "对": "對", "强": "強", "户": "戶", "损": "損", "无": "無", "显": "顯",
        "没": "沒", "满": "滿", "潜": "潛", "荐": "薦", "虚": "虛", "议": "議",
        "访": "訪", "诉": "訴", "诚": "誠", "询": "詢", "详": "詳", "负": "負",
        "责": "責", "贬": "貶", "购": "購", "较": "較", "进": "進", "销": "銷",
        "险": "險", "项": "項", "顾": "顧", "风": "風", "了": "瞭",
    }
)  # fmt: skip


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


def _vocabularies() -> list[tuple[str, str]]:
    """Every built-in answer word with Chinese characters, and where from."""
    words = []
    for mod in (_categories, loyalty, relationship, value, lifecycle):
        for name, obj in vars(mod).items():
            words_of = isinstance(obj, dict | types.MappingProxyType) or (
                isinstance(obj, tuple) and all(isinstance(x, str) for x in obj)
            )
            if not words_of:
                continue
            keys = list(obj)
            words += [
                (k, f"{mod.__name__}.{name}")
                for k in keys
                if isinstance(k, str) and any(map(_is_han, k))
            ]
    return words


WORDS = _vocabularies()


class TestTraditionalWords:
    def test_words_found(self):
        """The oracle looks at the words it means to (a rename would empty it)."""
        where = {w for _, w in WORDS}
        assert len(WORDS) > 60
        assert {
            "custseg._categories.YES_NO_ALIASES",
            "custseg.relationship._KIND_ALIASES",
            "custseg.loyalty._SATISFACTION_ALIASES",
        } <= where

    @pytest.mark.parametrize(("word", "where"), WORDS)
    def test_every_word_reads_in_traditional(self, word, where):
        """Each built-in word's traditional spelling is the same key."""
        trad = word.translate(TO_TRADITIONAL)
        assert normalize(trad) == normalize(word), (where, word, trad)

    @SOME
    @given(st.lists(st.sampled_from([w for w, _ in WORDS]), min_size=1, max_size=6))
    def test_yes_no_answers_alike(self, answers):
        """A yes/no field answers alike in either script, or refuses both."""
        levels, aliases = ("no", "yes"), YES_NO_ALIASES
        trad = [a.translate(TO_TRADITIONAL) for a in answers]

        def codes(xs):
            try:
                return as_category(xs, "flag", levels, aliases=aliases).tolist()
            except InputError as e:
                return type(e)

        assert codes(trad) == codes(answers)

    def test_contact_kinds(self):
        simplified = ["顾客", "企业", "销售", "投诉", "咨询", "回访", "建议", "新产品"]
        kinds = [w.translate(TO_TRADITIONAL) for w in simplified[2:]]
        assert kinds == ["銷售", "投訴", "諮詢", "回訪", "建議", "新產品"]
        got = as_category(
            kinds,
            "kind",
            relationship.CONTACT_KINDS,
            aliases=relationship._KIND_ALIASES,
        )
        want = as_category(
            simplified[2:],
            "kind",
            relationship.CONTACT_KINDS,
            aliases=relationship._KIND_ALIASES,
        )
        assert got.tolist() == want.tolist() == [0, 1, 2, 3, 4, 5]
        inits = as_category(
            ["顧客", "企業"],
            "initiator",
            relationship.INITIATORS,
            aliases=relationship._INITIATOR_ALIASES,
        )
        assert inits.tolist() == [0, 1]

    def test_contact_summary_end_to_end(self):
        days = ["2024-01-01", "2024-01-05", "2024-02-01"]
        simp = custseg.contact_summary([1, 1, 1], days, ["顾客", "公司", "公司"],
                                       ["销售", "回访", "新品推荐"])  # fmt: skip
        trad = custseg.contact_summary([1, 1, 1], days, ["顧客", "公司", "公司"],
                                       ["銷售", "回訪", "新品推薦"])  # fmt: skip
        assert simp.to_pandas().equals(trad.to_pandas())

    def test_readiness_no_and_unknown(self):
        """無 and 沒有 answer no, 對 yes; 不詳 and 待瞭解 are missing."""
        got = custseg.conversion_readiness(
            ["有", "無", "對", "不詳"],
            ["有", "有", "有", "有"],
            ["有", "有", "沒有", "有"],
            ["有", "有", "有", "待瞭解"],
        )
        want = custseg.conversion_readiness(
            ["有", "无", "对", "不详"],
            ["有", "有", "有", "有"],
            ["有", "有", "没有", "有"],
            ["有", "有", "有", "待了解"],
        )
        assert got.to_numpy().tolist() == want.to_numpy().tolist()
        assert got.to_numpy().tolist()[1] == "no_need"

    @pytest.mark.parametrize("word", ["不詳", "待瞭解", "無", " 不詳\u3000"])
    def test_profile_and_tags_placeholders(self, word):
        res = custseg.profile_completeness(
            {"x": [word, "ok"]}, hard=["x"], soft=[], weights=(1, 0)
        )
        assert res.missing[:, 0].tolist() == [True, False]
        tags = custseg.tags_from_values([f"tea,{word}", word])
        assert tags.names == ("tea",)
        assert tags.sizes() == {"tea": 1}


# ---------------------------------------------------------------------------
# Unicode forms

#: letters that take combining accents, the accents, and others
LETTERS = "aeiouAEIOUnNcCsSzZ"
MARKS = "\u0300\u0301\u0302\u0303\u0308\u030c\u0327"


@st.composite
def accented(draw):
    """A short text with accented letters, in NFC."""
    parts = draw(
        st.lists(
            st.tuples(st.sampled_from(LETTERS), st.sampled_from(["", *MARKS])),
            min_size=1,
            max_size=6,
        )
    )
    return unicodedata.normalize("NFC", "".join(a + m for a, m in parts))


def _forms(text: str, which: list[bool]) -> list[str]:
    return [unicodedata.normalize("NFD" if d else "NFC", text) for d in which]


class TestUnicodeForms:
    def test_one_tag_for_both_forms(self):
        t = custseg.tags_from_values(["cafe\u0301", "caf\u00e9, tea", None])
        assert t.names == ("caf\u00e9", "tea")
        assert t.sizes() == {"caf\u00e9": 2, "tea": 1}

    def test_mapping_key_in_the_other_form_matches(self):
        t = custseg.tags_from_values(
            ["caf\u00e9", "cafe\u0301", "tea"], {"cafe\u0301": "coffee"}
        )
        assert t.sizes() == {"coffee": 2}
        t = custseg.tags_from_values(
            ["cafe\u0301"], {"caf\u00e9": "c"}, unmapped="raise"
        )
        assert t.sizes() == {"c": 1}

    def test_two_keys_in_two_forms_refused_by_code_points(self):
        with pytest.raises(ThresholdError, match=r"cafe\\u0301") as err:
            custseg.tags_from_values(["x"], {"caf\u00e9": "a", "cafe\u0301": "b"})
        assert "caf\\xe9" in str(err.value)

    @SOME
    @given(
        st.lists(
            st.tuples(accented(), st.lists(st.booleans(), min_size=1, max_size=3)),
            min_size=1,
            max_size=5,
            unique_by=lambda p: p[0],
        ),
        st.booleans(),
    )
    def test_forms_never_split_a_tag(self, values, mapped):
        """Whatever form each cell is in, the tags are those of the NFC column."""
        column = [f for text, which in values for f in _forms(text, which)]
        plain = [text for text, which in values for _ in which]
        mapping = None
        if mapped:  # keys in NFD, values in any form
            mapping = {
                unicodedata.normalize("NFD", text): f"t{i}"
                for i, (text, _) in enumerate(values)
            }
        got = custseg.tags_from_values(column, mapping, placeholders=())
        want = custseg.tags_from_values(
            plain,
            None if mapping is None else {
                unicodedata.normalize("NFC", k): t for k, t in mapping.items()
            },
            placeholders=(),
        )  # fmt: skip
        assert got.names == want.names
        assert got.sizes() == want.sizes()
        assert np.array_equal(got.matrix, want.matrix)
        assert all(unicodedata.is_normalized("NFC", n) for n in got.names)

    @SOME
    @given(
        st.lists(accented(), min_size=2, max_size=4, unique=True),
        st.data(),
    )
    def test_answer_levels_in_either_form(self, levels, data):
        """Custom answer levels match answers in either form and any case."""
        keys = {normalize(x) for x in levels}
        if len(keys) < len(levels):  # two levels one key: refused, not tested
            return
        picks = data.draw(st.lists(st.integers(0, len(levels) - 1), min_size=1))
        forms = data.draw(st.lists(st.booleans(), min_size=len(picks),
                                   max_size=len(picks)))  # fmt: skip
        answers = [
            unicodedata.normalize("NFD" if d else "NFC", levels[i]).upper()
            for i, d in zip(picks, forms, strict=True)
        ]
        got = as_category(answers, "level", tuple(levels))
        assert got.tolist() == picks

    def test_satisfaction_in_decomposed_form(self):
        levels = ("tr\u00e8s mauvais", "mauvais", "moyen", "bon", "tr\u00e8s bon")
        got = as_category(["TRE\u0300S BON", "tre\u0300s mauvais"], "s", levels)
        assert got.tolist() == [4, 0]


# ---------------------------------------------------------------------------
# Quotes in conditions

RULES = """
format = 1
[fields]
tier = {{ type = "category", values = ["VIP", "normal", "Bob＇s"] }}
[segments.s]
default = "other"
rules = [ {{ label = "hit", when = '''{when}''' }} ]
"""
TIERS = ["VIP", "normal", "Bob＇s", "VIP"]


def _labels(when: str) -> list[str]:
    rs = rules.loads(RULES.format(when=when))
    return rs.evaluate(pd.DataFrame({"tier": TIERS}))["s"].to_numpy().tolist()


class TestQuotes:
    @SOME
    @given(
        st.sampled_from(["VIP", "normal"]),
        st.sampled_from(["'", '"']),
        st.booleans(),
        st.booleans(),
        st.sampled_from(["==", "!="]),
    )
    def test_full_width_quotes_are_quotes(self, value, quote, wide_open, wide_end, op):
        """A text opened by a full-width quote ends at the same quote in
        either width, and means what the ASCII quotes mean."""
        wide = chr(ord(quote) + 0xFEE0)
        opened = wide if wide_open else quote
        ended = wide if wide_end else quote
        want = _labels(f"tier {op} {quote}{value}{quote}")
        if wide_open or not wide_end:
            assert _labels(f"tier {op} {opened}{value}{ended}") == want
        else:  # opened by ASCII: only the ASCII quote ends it
            with pytest.raises(rules.RulesError, match="end the text with the quote"):
                _labels(f"tier {op} {opened}{value}{ended}")

    def test_full_width_inside_ascii_quotes_is_text(self):
        assert _labels("tier == 'Bob＇s'") == ["other", "other", "hit", "other"]

    @pytest.mark.parametrize("pair", ["“”", "‘’", "「」", "『』", "«»", "„“"])
    def test_typographic_quotes_get_a_hint(self, pair):
        with pytest.raises(rules.RulesError) as err:
            _labels(f"tier == {pair[0]}VIP{pair[1]}")
        text = str(err.value)
        assert "ASCII quotes" in text
        assert f"U+{ord(pair[0]):04X}" in text


# ---------------------------------------------------------------------------
# Probe findings of audit 21: look-alikes, placeholders, float32, row numbers

INVISIBLES = ["\u200b", "\ufeff", "\u2060", "\xad", "\u200e", "\u200f", "\u061c"]


class TestLevelsOfOneKey:
    def test_levels_of_one_key_match_as_written(self):
        """Declared levels that fold to one key (case, traditional
        characters) are not merged: each matches as written."""
        levels = ("無", "无", "A", "a")
        got = as_category(["無", "无", "A", "a", " a ", "A"], "tier", levels)
        assert got.tolist() == [0, 1, 2, 3, 3, 2]

    @SOME
    @given(
        st.lists(st.sampled_from(["無", "无", "A", "a", "瞭解", "了解"]), min_size=1)
    )
    def test_exact_levels_always_win(self, answers):
        levels = ("無", "无", "A", "a", "瞭解", "了解")
        got = as_category(answers, "tier", levels)
        assert got.tolist() == [levels.index(x) for x in answers]


class TestTagPlaceholdersInForms:
    @pytest.mark.parametrize("form", ["NFC", "NFD"])
    @pytest.mark.parametrize("holder_form", ["NFC", "NFD"])
    def test_placeholder_in_either_form(self, form, holder_form):
        holder = unicodedata.normalize(holder_form, "n\u00e9ant")
        cell = unicodedata.normalize(form, "n\u00e9ant, tea")
        t = custseg.tags_from_values([cell, "tea"], placeholders=(holder,))
        assert t.names == ("tea",)
        with pytest.raises(ThresholdError, match="placeholder"):
            custseg.tags_from_values(
                ["x"], {unicodedata.normalize("NFC", "néant"): "n"},
                placeholders=(holder,),
            )  # fmt: skip

    def test_compatibility_ideograph_is_composed_first(self):
        """U+F967 is 不 once composed: 不详 is a placeholder."""
        assert custseg.tags_from_values(["\uf967详, tea"]).names == ("tea",)


class TestLookAlikeValuesWarn:
    @SOME
    @given(
        st.lists(st.sampled_from(["tea", "yoga", "golf"]), min_size=1, max_size=6),
        st.lists(st.tuples(st.integers(0, 5), st.sampled_from(INVISIBLES), st.integers(1, 2))),
    )  # fmt: skip
    def test_every_look_alike_is_named(self, cells, edits):
        """Values that read as a key but hold an invisible character inside
        get no tag and a warning that counts them."""
        cells = list(cells)
        for i, mark, at in edits:
            if i < len(cells) and len(cells[i]) > at:
                cells[i] = cells[i][:at] + mark + cells[i][at:]
        mapping = {"tea": "T", "yoga": "Y", "golf": "G"}
        odd = {c for c in cells if c not in mapping}
        if odd:
            with pytest.warns(custseg.CustsegWarning, match="as a mapping key") as w:
                t = custseg.tags_from_values(cells, mapping)
            text = str(w[0].message)
            assert f"has {len(odd)} value" in text
            for c in sorted(odd)[:5]:
                assert ascii(c)[1:-1] in text
        else:
            t = custseg.tags_from_values(cells, mapping)
        sizes = t.sizes()
        for key, tag in mapping.items():
            assert sizes[tag] == sum(c == key for c in cells)

    def test_raise_counts_the_rest_and_the_rows(self):
        cells = [f"v{i}" for i in range(8)] + ["tea"]
        with pytest.raises(InputError) as err:
            custseg.tags_from_values(cells, {"tea": "T"}, unmapped="raise")
        text = str(err.value)
        assert "and 3 more" in text
        assert "first at row 0, 8 rows affected" in text

    def test_one_key_named_once(self):
        cells = ["tea\u200bx", "te\xada", "ｔｅａ"]
        with pytest.warns(custseg.CustsegWarning) as w:
            custseg.tags_from_values(cells, {"tea": "T", "x": "X"})
        assert str(w[0].message).count("(the mapping has 'tea')") == 1


class TestInvisibleBlanks:
    @SOME
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["", "tea", "未知", "N/A", "none", " x ", "-"]),
                st.lists(st.sampled_from([*INVISIBLES, " ", "\u3000"]), max_size=3),
                st.lists(st.sampled_from([*INVISIBLES, " ", "\u3000"]), max_size=3),
            ),
            min_size=1,
            max_size=8,
        ),
        st.sampled_from(["object", "U", "string[pyarrow]", "string", "T"]),
    )
    def test_marks_at_the_ends_change_nothing(self, cells, kind):
        """Blanks and invisible characters around a value change neither
        whether it is missing nor its tag, whatever the array type."""
        plain = [c for c, _, _ in cells]
        padded = ["".join(a) + c + "".join(b) for c, a, b in cells]

        def column(values):
            if kind == "object":
                return np.array(values, dtype=object)
            if kind == "U":
                return np.array(values)
            if kind == "T":
                return np.array(values, dtype=np.dtypes.StringDType())
            return pd.Series(values, dtype=kind)

        def missing(values):
            res = custseg.profile_completeness(
                {"x": column(values)}, hard=["x"], soft=[], weights=(1, 0)
            )
            return res.missing[:, 0].tolist()

        assert missing(padded) == missing(plain)
        assert (
            custseg.tags_from_values(padded).names
            == custseg.tags_from_values(plain).names
        )

    def test_long_text_with_a_mark_at_an_end_is_filled(self):
        res = custseg.profile_completeness(
            {"x": ["y" * 50 + "\u200b", "\u200b" + "y" * 50, "\u200b" * 3]},
            hard=["x"], soft=[], weights=(1, 0),
        )  # fmt: skip
        assert res.missing[:, 0].tolist() == [False, False, True]

    def test_answers_with_marks_read_as_the_word(self):
        got = as_category(["yes\u200b", "\ufeffno", "\u200b"], "f", ("no", "yes"))
        assert got.tolist() == [1, 0, -1]

    def test_joiners_inside_stay(self):
        """The zero-width joiner of an emoji is part of the value."""
        family = "\U0001f468\u200d\U0001f469"
        assert custseg.tags_from_values([family]).names == (family,)


class TestFloat32Everywhere:
    @SOME
    @given(
        st.decimals(min_value=0, max_value=5000, places=2).map(float),
        st.lists(st.sampled_from(["float", "none", "decimal", "f32"]), max_size=4),
        st.sampled_from(["list", "object", "series"]),
    )
    def test_float32_reads_as_printed_beside_anything(self, x, others, how):
        """A float32 value lands on the side its printed decimal is on, in a
        float32 array or beside values of any other type."""
        from decimal import Decimal

        f32 = np.float32(x)
        printed = float(str(f32))
        pad = {"float": 1.0, "none": None, "decimal": Decimal("2.5"),
               "f32": np.float32(1.5)}  # fmt: skip
        values = [f32, *[pad[o] for o in others]]
        if how == "object":
            values = np.array(values, dtype=object)
        elif how == "series":
            values = pd.Series(values, dtype=object)
        tiers = custseg.VisitTiers(vip_spend=printed)
        got = custseg.visit_tier([5] * len(values), values, tiers=tiers)
        want = custseg.visit_tier([5], np.array([f32]), tiers=tiers)
        assert got.to_numpy()[0] == want.to_numpy()[0] == "vip"


class TestRowNumbersBesideIds:
    def test_read_back_column_beside_a_result(self):
        tx = custseg.datasets.simulate_transactions(30, seed=2)
        res = custseg.segment(tx, bins=2)
        ids = res.customers.index
        assert ids.name == "customer_id" and ids.tolist() == list(range(len(ids)))
        back = res.customers.reset_index(drop=True)  # as read from a file
        with pytest.raises(InputError, match="indexed by row numbers"):
            custseg.segment_summary(back["lifecycle"], res.customers)
        with pytest.raises(InputError, match="indexed by row numbers"):
            custseg.behavioural_loyalty(
                res.customers["frequency"], back["recency_days"]
            )
        # row numbers with row numbers, ids with ids: as before
        custseg.behavioural_loyalty(back["frequency"], back["recency_days"])
        custseg.segment_summary(res.customers["lifecycle"], res.customers)

    @pytest.mark.parametrize("name", [None, "customer_id"])
    def test_only_named_ids_are_ids(self, name):
        n = 5
        rows = pd.Series(np.arange(n), dtype=float)
        other = pd.Series(
            np.arange(n), index=pd.Index(range(n), name=name), dtype=float
        )
        if name is None:  # an unnamed integer index: row labels, as before
            custseg.behavioural_loyalty(rows, other)
        else:
            with pytest.raises(InputError, match="'frequency' is indexed by row"):
                custseg.behavioural_loyalty(rows, other)

    def test_index_named_as_the_column(self):
        tx = custseg.datasets.simulate_transactions(5, seed=1).set_index("customer_id")
        with pytest.raises(InputError, match=r"is the index of the data.*reset_index"):
            custseg.segment(tx)


class TestRulesLookAlikes:
    TEMPLATE = """
format = 1
[fields]
tier = {{ type = "category", values = [{values}] }}
[segments.s]
default = "{default}"
rules = [ {{ label = "{label}", when = "tier == 'a'" }} ]
"""

    def _check(self, values='"a", "b"', default="other", label="hit"):
        text = self.TEMPLATE.format(values=values, default=default, label=label)
        return [(d.code, d.message) for d in rules.check(text, text=True)]

    @pytest.mark.parametrize(
        "values",
        ['"a", "caf\u00e9", "cafe\u0301"', '"a", "b", "b\u200b"', '"A", "Ａ"'],
    )
    def test_values_that_read_alike(self, values):
        found = self._check(values=values)
        assert any(c == "duplicate-name" and "read alike" in m for c, m in found)

    def test_case_apart_is_allowed(self):
        found = self._check(values='"a", "A"')
        assert not [c for c, _ in found if c in ("duplicate-name", "bad-value")]

    @pytest.mark.parametrize("mark", INVISIBLES)
    def test_invisible_characters_in_labels(self, mark):
        found = self._check(label=f"vip{mark}")
        assert any(c == "bad-value" and "invisible character" in m for c, m in found)

    def test_labels_that_read_alike(self):
        found = self._check(default="fid\u00e8le", label="fide\u0300le")
        assert any(c == "duplicate-name" and "read alike" in m for c, m in found)

    @pytest.mark.parametrize(
        ("line", "key"),
        [("满意度 = 1", "满意度"), ("[segments.分层]", "分层"), ("ｘ = 1", "ｘ")],
    )
    def test_bare_non_ascii_key_hint(self, line, key):
        text = f"format = 1\n{line}\n"
        found = rules.check(text, text=True)
        assert found and f'write "{key}"' in found[0].hint
