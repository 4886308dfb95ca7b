"""Audit 10, findings H1, H7, H8 and the Decimal sNaN message of H6.

- H1: digit text is read as written (stripped): ``"-1"`` gets the error the
  number -1 gets, ``"+1"`` is 1, decorated digits (``"1-"``, ``"_1"``,
  ``"- 1"``) are unknown answers; on survey scales too (``"-5"``).
- H8: the missing text of the yes/no fields is one documented list
  (:data:`custseg._categories.YES_NO_MISSING` plus text of only blanks,
  ``-`` and ``_``), the same for every yes/no field.
- H7: ``care_phase(lang="zh")`` translates a label only where it is the
  default name of that place; a clash after translation names ``labels`` /
  ``no_purchase`` and ``lang``.
- H6 (related): ``Decimal("sNaN")`` in a yes/no field is missing, as
  ``Decimal("NaN")`` is, not a message about "Decimal cells".
"""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from custseg import conversion_readiness
from custseg._categories import YES_NO_MISSING, as_category, normalize
from custseg.errors import InputError, ThresholdError
from custseg.lifecycle import (
    CarePhases,
    care_phase,
    customer_status,
    needs_status,
    store_visit_class,
)
from custseg.loyalty import SATISFACTION
from custseg.profile import PLACEHOLDERS

FEW = settings(max_examples=40, deadline=None)

YES_NO = ("no", "yes")


def _flag_codes(values, field="vip"):
    """The codes a yes/no field of the status functions gives."""
    return as_category(values, field, YES_NO, integers=0, booleans=True)


def _error(fn):
    with pytest.raises(InputError) as info:
        fn()
    return str(info.value)


# the whole yes/no fields, each as a function of one column of answers
def _status(col):
    n = len(col)
    return customer_status([2] * n, [100] * n, [1] * n, vip=col)


def _needs(col):
    n = len(col)
    return needs_status([2] * n, [1] * n, loyal=col)


def _store(col):
    n = len(col)
    return store_visit_class([1] * n, [1] * n, vip=col)


def _readiness(col):
    n = len(col)
    return conversion_readiness(col, [True] * n, [True] * n, [True] * n)


FLAG_FIELDS = {
    "customer_status": (_status, "vip"),
    "needs_status": (_needs, "loyal"),
    "store_visit_class": (_store, "vip"),
    "conversion_readiness": (_readiness, "need"),
}

blanks = st.text(alphabet=" \t\u3000", max_size=3)
signs = st.sampled_from(["", "+", "-"])


# --------------------------------------------------------------------- H1


class TestDigitTextAsWritten:
    def test_auditor_example(self):
        """'-1' is refused as the number -1 is; '-5' is off a 1-5 scale."""
        want = _error(lambda: customer_status([2], [1], [1], vip=[-1]))
        assert _error(lambda: customer_status([2], [1], [1], vip=["-1"])) == want
        assert "takes two answers but has the number -1" in want
        with pytest.raises(InputError, match="takes two answers but has the number -1"):
            conversion_readiness(["-1"], ["-1"], ["-1"], ["-1"])
        with pytest.raises(InputError, match=r"has code -5 outside the scale 1\.\.5"):
            as_category(["-5"], "satisfaction", ("a", "b", "c", "d", "e"), integers=1)

    @FEW
    @given(
        number=st.integers(-(10**6), 10**6),
        left=blanks,
        right=blanks,
        sign=st.booleans(),
        field=st.sampled_from(sorted(FLAG_FIELDS)),
        rows=st.integers(0, 3),
    )
    def test_yes_no_text_same_as_number(self, number, left, right, sign, field, rows):
        """Digit text (stripped, with an optional sign) gives exactly what the
        number gives: the same code, or the same error at the same row."""
        fn, _ = FLAG_FIELDS[field]
        text = left + ("+" if sign and number >= 0 else "") + str(number) + right
        before = [True] * rows
        try:
            want = fn([*before, number]).to_numpy().tolist()
        except InputError as e:
            assert _error(lambda: fn([*before, text])) == str(e)
        else:
            assert fn([*before, text]).to_numpy().tolist() == want

    @FEW
    @given(
        number=st.integers(-20, 20),
        sign=signs,
        left=blanks,
        right=blanks,
        start=st.sampled_from([0, 1]),
        pandas=st.booleans(),
    )
    def test_scale_text_same_as_number(self, number, sign, left, right, start, pandas):
        """On a survey scale (1-5, as satisfaction is read), digit text is the
        number it is written as: '-5' is refused, '+3' is 3."""
        value = -abs(number) if sign == "-" else abs(number)
        text = f"{left}{sign}{abs(number)}{right}"
        col = pd.Series([text], dtype="string") if pandas else [text]
        try:
            want = as_category([value], "satisfaction", SATISFACTION, integers=start)
        except InputError as e:
            with pytest.raises(InputError) as info:
                as_category(col, "satisfaction", SATISFACTION, integers=start)
            assert str(info.value) == str(e)
        else:
            got = as_category(col, "satisfaction", SATISFACTION, integers=start)
            assert got.tolist() == want.tolist()

    @FEW
    @given(
        digits=st.sampled_from(["0", "1", "2", "5"]),
        deco=st.sampled_from(["-", "_", "--", "__", "- ", "_ ", " -", "-_"]),
        where=st.sampled_from(["before", "after", "both"]),
        field=st.sampled_from(sorted(FLAG_FIELDS)),
    )
    def test_decorated_digits_unknown(self, digits, deco, where, field):
        """Digits with '-', '_' or blanks around them are not a number: an
        unknown answer naming the value, never yes/no nor a scale code."""
        text = {
            "before": deco + digits,
            "after": digits + deco,
            "both": deco + digits + deco,
        }[where]
        # "-1", " -1": a signed number as written (tested above)
        assume(not re.fullmatch(r"[+-]?\d+", text.strip()))
        fn, name = FLAG_FIELDS[field]
        message = _error(lambda: fn([True, text]))
        assert message.startswith(f"'{name}' has unknown answer {text!r}")
        with pytest.raises(InputError, match="has unknown answer"):
            as_category([text], "satisfaction", SATISFACTION, integers=1)

    @pytest.mark.parametrize("text", ["1-", "_1", "- 1", "1_", "-_1", "+ 1"])
    def test_decorated_examples(self, text):
        with pytest.raises(InputError, match=re.escape(f"has unknown answer {text!r}")):
            customer_status([2], [1], [1], vip=[text])

    def test_plus_one_reads_as_one(self):
        assert customer_status([2], [1], [1], vip=["+1"]).to_numpy().tolist() == [
            "loyal"
        ]
        assert _flag_codes(["+0", " 1 ", "0"]).tolist() == [0, 1, 0]

    def test_mixed_object_column_number_error(self):
        """A number out of range among text (object column) gets the number's
        message too, not 'unknown answer'."""
        message = _error(
            lambda: customer_status([2, 2], [1, 1], [1, 1], vip=["yes", -1])
        )
        assert "takes two answers but has the number -1 (first at row 1" in message


# --------------------------------------------------------------------- H8


class TestYesNoMissingText:
    def test_auditor_example(self):
        """'-' stays missing (documented), 'n/a' is missing now, '1_' is refused."""
        assert customer_status([2], [1], [1], vip=["-"]).to_numpy().tolist() == [
            "unknown"
        ]
        assert customer_status([2], [1], [1], vip=["n/a"]).to_numpy().tolist() == [
            "unknown"
        ]
        with pytest.raises(InputError, match="has unknown answer '1_'"):
            customer_status([2], [1], [1], vip=["1_"])

    def test_list_is_the_placeholders_but_no(self):
        """The documented list: profile's placeholders (无 aside, it answers
        "no") and the other "not known" words value_tier reads."""
        words = {w.casefold() for w in YES_NO_MISSING}
        # the same words (audit 17: profile read 不清楚 and 待了解 as filled)
        # (the traditional forms are the simplified ones once normalised)
        placeholders = {normalize(p) for p in PLACEHOLDERS if p.strip("-_")}
        assert placeholders - {"无"} == {normalize(w) for w in words}
        others = [p for p in PLACEHOLDERS if normalize(p) != "无"]
        assert _flag_codes(others).tolist() == [-1] * len(others)
        assert _readiness(["无"]).to_numpy().tolist() == ["no_need"]
        assert {"不清楚", "待了解", "n/a", "unknown", "未知", "不详"} <= words

    @FEW
    @given(
        word=st.one_of(
            st.sampled_from(YES_NO_MISSING),
            st.text(alphabet="-_ \t", min_size=0, max_size=4),
        ),
        upper=st.booleans(),
        pad=blanks,
        field=st.sampled_from(sorted(FLAG_FIELDS)),
        pandas=st.booleans(),
    )
    def test_every_yes_no_field_reads_the_list_as_missing(
        self, word, upper, pad, field, pandas
    ):
        """Each missing word (any case, blanks around) and each text of only
        '-', '_' and blanks gives what None gives, in every yes/no field."""
        fn, _ = FLAG_FIELDS[field]
        text = pad + (word.upper() if upper else word) + pad
        col = pd.Series([text, True], dtype="string") if pandas else [text, True]
        assert fn(col).to_numpy().tolist() == fn([None, True]).to_numpy().tolist()
        assert _flag_codes([text]).tolist() == [-1]

    @FEW
    @given(word=st.text(min_size=1, max_size=6))
    def test_other_text_is_known_or_refused(self, word):
        """Any other text is an answer of the table or an InputError naming
        it: never a silent missing."""
        try:
            code = _flag_codes([word]).tolist()[0]
        except InputError as e:
            assert "has unknown answer" in str(e) or "takes two answers" in str(e)
            return
        if code == -1:
            key = normalize(word)
            assert not key or key in {normalize(w) for w in YES_NO_MISSING}
        else:
            assert code in (0, 1)


# --------------------------------------------------------------------- H6


class TestSignallingNaN:
    def test_auditor_example(self):
        """Decimal('sNaN') is missing, as Decimal('NaN') is."""
        got = customer_status([2], [1], [1], vip=[Decimal("sNaN")]).to_numpy().tolist()
        assert (
            got
            == customer_status([2], [1], [1], vip=[Decimal("NaN")]).to_numpy().tolist()
        )
        assert got == ["unknown"]

    @FEW
    @given(
        cells=st.lists(
            st.sampled_from(
                [
                    Decimal("sNaN"),
                    Decimal("-sNaN"),
                    Decimal("NaN"),
                    None,
                    "yes",
                    "no",
                    1,
                    0,
                ]
            ),
            min_size=1,
            max_size=8,
        ),
        field=st.sampled_from(sorted(FLAG_FIELDS)),
    )
    def test_snan_is_missing_everywhere(self, cells, field):
        fn, _ = FLAG_FIELDS[field]
        plain = [None if isinstance(c, Decimal) else c for c in cells]
        assert fn(cells).to_numpy().tolist() == fn(plain).to_numpy().tolist()

    def test_list_cell_still_named(self):
        message = _error(lambda: _flag_codes([Decimal("sNaN"), "yes", ["a"]]))
        assert "has list cells such as ['a']" in message
        assert "first at row 2, 1 row affected" in message

    def test_input_not_mutated(self):
        arr = np.array([Decimal("sNaN"), "yes"], dtype=object)
        assert _flag_codes(arr).tolist() == [-1, 1]
        assert arr[0].is_snan()


# --------------------------------------------------------------------- H7


DEFAULT = CarePhases()


class TestCarePhaseNames:
    def test_auditor_example(self):
        got = care_phase(
            [1, 6], CarePhases(breaks=(5,), labels=("new", "lost")), lang="zh"
        )
        assert got.to_numpy().tolist() == ["new", "lost"]
        # a care-phase name is translated wherever it stands: a clash here
        with pytest.raises(ThresholdError, match=r"labels\[1\] 'care' \(translated\)"):
            care_phase([1], CarePhases(breaks=(5,), labels=("关怀", "care")), lang="zh")
        got = care_phase(
            [1], CarePhases(breaks=(5,), labels=("welcome", "care")), lang="zh"
        )
        assert got.names == ("welcome", "关怀", "未购买")

    @FEW
    @given(
        k=st.integers(1, 6),
        data=st.data(),
        no_purchase=st.sampled_from(["no_purchase", "none_yet", "care", "new"]),
    )
    def test_only_care_phase_names_translated(self, k, data, no_purchase):
        pool = ["care", "recommend", "stimulate", "established", "new", "lost",
                "vip", "unknown", "loyal", "welcome", "no_purchase"]  # fmt: skip
        labels = data.draw(
            st.lists(st.sampled_from(pool), min_size=k, max_size=k, unique=True).filter(
                lambda xs: no_purchase not in xs
            )
        )
        phases = CarePhases(
            breaks=tuple(range(5, 5 * k, 5)),
            labels=tuple(labels),
            no_purchase=no_purchase,
        )
        zh = {"care": "关怀", "recommend": "推荐活动", "stimulate": "刺激活动",
              "established": "老客户"}  # fmt: skip
        want = [
            zh.get(x, "未购买" if x == "no_purchase" else x)
            for x in (*labels, no_purchase)
        ]
        if len(set(want)) < len(want):
            with pytest.raises(ThresholdError, match=r"labels.*no_purchase.*lang='zh'"):
                care_phase([1], phases, lang="zh")
        else:
            assert care_phase([1], phases, lang="zh").names == tuple(want)
        assert care_phase([1], phases).names == (*labels, no_purchase)

    @pytest.mark.parametrize(
        ("labels", "no_purchase", "involved"),
        [
            # two labels clash: no_purchase is not named (audit 25)
            (("老客户", "recommend", "stimulate", "established"), "no_purchase", False),
            (("care", "recommend"), "关怀", True),
            (("未购买", "recommend"), "no_purchase", True),
        ],
    )
    def test_clash_names_fields_and_lang(self, labels, no_purchase, involved):
        phases = CarePhases(
            breaks=tuple(range(5, 5 * len(labels), 5)),
            labels=labels,
            no_purchase=no_purchase,
        )
        with pytest.raises(ThresholdError) as info:
            care_phase([1], phases, lang="zh")
        message = str(info.value)
        fields = message.split(" give ")[0]
        assert "'phases.labels'" in fields
        assert ("'phases.no_purchase'" in fields) == involved
        assert "lang='zh'" in message and "lang='en'" in message
        assert care_phase([1], phases).names == (*labels, no_purchase)

    def test_defaults_unchanged(self):
        assert care_phase([0], lang="zh").names == (
            "关怀",
            "推荐活动",
            "刺激活动",
            "老客户",
            "未购买",
        )
