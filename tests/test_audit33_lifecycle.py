"""Audit 33, lifecycle and status classifiers (round 2).

1. The notebook tables of the threshold classes (``_repr_html_``) and the
   messages of ``custseg.lifecycle`` rounded the thresholds they showed
   (``spend >= 5000.0`` for ``vip_spend=4999.99``; ``silent 90.0 to <
   90.0`` for a break of 89.99999): every number is now written as the
   HTML report writes it (``_display.number_text``).
2. ``StatusThresholds(new_days=300, lost_days=270)`` was refused with a
   false reason, while a rules file with the same params labelled well:
   both now accept it (lost is tested first).
3. ``LifecycleWindows`` / ``CarePhases`` (and the other label tuples:
   ``LifeStageWindows``, ``ProfileCompleteness.band``) accepted two names
   that read alike (NFC and NFD, full-width letters), which rules files
   refuse as ``duplicate-name``.
4. Full-width digits (``１``) in a yes/no or code field were refused,
   although full-width ASCII reads as ASCII in every answer field.
"""

from __future__ import annotations

import itertools
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
from custseg._display import number_text
from custseg.errors import RulesError, ThresholdError
from custseg.groups import LifeStageWindows
from custseg.lifecycle import (
    CarePhases,
    LifecycleWindows,
    NeedsThresholds,
    StatusThresholds,
    StoreClasses,
    VisitTiers,
    customer_status,
    lifecycle_stage,
    needs_status,
    store_visit_class,
    visit_tier,
)
from custseg.loyalty import loyalty_level
from custseg.profile import profile_completeness
from custseg.value import conversion_readiness

# --------------------------------------------------------------------------
# 1. every threshold shown exactly


def _text(html: str) -> str:
    """The visible text of an HTML table, entities decoded."""
    text = re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", html))
    return text.replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")


_NUMBER = re.compile(r"(?<![\w.])-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|inf)(?![\w.])")


def _numbers(text: str) -> set[float]:
    """Every number written in *text*, as the float it reads as."""
    return {float(m) for m in _NUMBER.findall(text)}


#: thresholds with many digits: cents just below a round number, long
#: fractions, large amounts (format_value kept 4 significant digits, or
#: one decimal from 1e3 up)
_AMOUNT = st.one_of(
    st.integers(1, 10**8).map(lambda c: c / 100),
    st.floats(0.001, 1e7, allow_nan=False, allow_infinity=False),
    st.sampled_from([4999.99, 12345.67, 89.99999, 0.123456, 2999.995]),
)


def _shown(thresholds: list[float], html: str) -> None:
    found = _numbers(_text(html))
    for t in thresholds:
        assert t in found, (t, sorted(found), _text(html))


@settings(max_examples=40, deadline=None)
@given(
    breaks=st.lists(_AMOUNT, min_size=1, max_size=4, unique=True).map(sorted),
)
def test_window_tables_show_every_break_exactly(breaks: list[float]) -> None:
    """LifecycleWindows and CarePhases tables write each break as the
    number it is (float(text) == break): no stage is shown empty or
    shifted by rounding."""
    k = len(breaks)
    labels = tuple(f"s{i}" for i in range(k + 1))
    w = LifecycleWindows(tuple(breaks), labels)
    _shown(breaks, w._repr_html_())
    _shown(breaks, CarePhases(tuple(breaks), labels)._repr_html_())
    # each break is the end of one stage and the start of the next
    text = _text(w._repr_html_())
    for lo, hi in itertools.pairwise(breaks):
        assert f"{number_text(lo)} to < {number_text(hi)}" in text


@settings(max_examples=40, deadline=None)
@given(
    new=_AMOUNT,
    lost=_AMOUNT,
    loyal=st.one_of(st.integers(2, 10**6).map(float), st.floats(2, 1e6)),
)
def test_status_tables_show_every_threshold_exactly(
    new: float, lost: float, loyal: float
) -> None:
    """StatusThresholds and NeedsThresholds tables."""
    _shown([new, lost, loyal], StatusThresholds(new, loyal, lost)._repr_html_())
    needs = NeedsThresholds(2, loyal + 1, lost)
    _shown([loyal + 1, lost, 2.0], needs._repr_html_())


@settings(max_examples=40, deadline=None)
@given(
    member=st.integers(1, 50).map(float),
    extra=st.one_of(st.none(), _AMOUNT),
    spend=st.one_of(st.none(), _AMOUNT),
    rule=st.sampled_from(["either", "both"]),
    vip_purchases=st.one_of(st.none(), _AMOUNT.map(lambda x: x + 1.5)),
)
def test_tier_tables_and_message_show_every_threshold_exactly(
    member: float,
    extra: float | None,
    spend: float | None,
    rule: str,
    vip_purchases: float | None,
) -> None:
    """VisitTiers and StoreClasses tables, and visit_tier's "spend is
    needed" message, write vip_spend, vip_visits and vip_purchases
    exactly."""
    assume(extra is not None or spend is not None)
    visits = None if extra is None else member + extra
    tiers = VisitTiers(member, visits, spend, rule)
    _shown([x for x in (member, visits, spend) if x is not None], tiers._repr_html_())
    if vip_purchases is not None:
        _shown([vip_purchases], StoreClasses(vip_purchases)._repr_html_())
    if spend is not None:
        with pytest.raises(custseg.InputError) as caught:
            visit_tier([5], tiers=tiers)
        shown = re.search(r"vip_spend=([^)]*)\)", str(caught.value))
        assert shown is not None and float(shown.group(1)) == spend


def test_worked_example_tables() -> None:
    """The report's example: 4999.99 is VIP, and the table says so."""
    t = VisitTiers(vip_spend=4999.99)
    assert "spend >= 4999.99" in _text(t._repr_html_())
    assert visit_tier([5], [4999.99], tiers=t).to_numpy().tolist() == ["vip"]
    assert "spend >= 12345.67" in _text(VisitTiers(vip_spend=12345.67)._repr_html_())
    text = _text(LifecycleWindows(breaks=(89.99999, 90, 180))._repr_html_())
    assert "silent 89.99999 to < 90 " in text
    with pytest.raises(custseg.InputError, match=r"\(vip_spend=4999\.99\)"):
        visit_tier([5], tiers=t)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: LifecycleWindows((90, 89.99999, 270)), r"^'sleeping' must be > 'silent' \(90\): got 89\.99999$"),
        (lambda: LifecycleWindows((0, 180, 270)), r"must be a finite day > 0: got 0$"),
        (lambda: CarePhases((5, 4.99999, 45)), r"\(5\): got 4\.99999$"),
        (lambda: NeedsThresholds(3, 3), r"^'loyal_orders' must be > 'regular_orders' \(3\): got 3$"),
        (lambda: VisitTiers(3, 2.99999), r"\(3\): got 2\.99999$"),
        (lambda: StatusThresholds(loyal_orders=1), r"^'loyal_orders' must be >= 2: got 1$"),
        (lambda: StoreClasses(1), r"^'vip_purchases' must be > 1: got 1$"),
    ],
)  # fmt: skip
def test_messages_write_numbers_exactly(build, message) -> None:
    """Threshold messages write both numbers as written (a whole float
    without ``.0``, as the report and the rules loader write them)."""
    with pytest.raises(ThresholdError, match=message):
        build()


# --------------------------------------------------------------------------
# 2. new_days past lost_days: accepted, as the rules presets take it


def _status_rules(new_days: float, lost_days: float) -> rules.RuleSet:
    text = (
        f'format = 1\nextends = "base"\n[params]\nnew_days = {new_days!r}\n'
        f"lost_days = {lost_days!r}\n"
    )
    with warnings.catch_warnings():
        # (lost_days away from the lifecycle's lost break: the stages
        # warning, not this test's business)
        warnings.simplefilter("ignore")
        return rules.loads(text)


_DAYS = st.sampled_from([0.0, 1.0, 5.0, 44.0, 45.0, 100.0, 269.0, 270.0, 271.0])


@settings(max_examples=30, deadline=None)
@given(
    lost=st.integers(1, 400),
    more=st.integers(1, 400),
    rows=st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 900), st.integers(0, 900)),
        min_size=1,
        max_size=12,
    ),
)
def test_new_days_past_lost_days_as_the_preset(lost: int, more: int, rows) -> None:
    """Any new_days > lost_days is accepted, and customer_status labels as
    the base preset's status segmentation with the same params (lost wins:
    a customer silent for lost_days is lost whatever the tenure)."""
    new = lost + more
    th = StatusThresholds(new_days=new, lost_days=lost)
    freq = np.array([r[0] for r in rows])
    buy = freq > 0
    tenure = np.where(buy, [max(r[1], r[2]) for r in rows], np.nan)
    recency = np.where(buy, [min(r[1], r[2]) for r in rows], np.nan)
    got = customer_status(freq, tenure, recency, thresholds=th).to_numpy().tolist()
    spine = {
        "frequency": freq,
        "tenure_days": tenure,
        "recency_days": recency,
        "monetary": np.zeros(len(rows)),
        "r": [None] * len(rows),
        "f": [None] * len(rows),
        "m": [None] * len(rows),
    }
    want = _status_rules(new, lost).evaluate(spine)["status"].to_numpy().tolist()
    assert got == want
    for label, r in zip(got, recency, strict=True):
        if r >= lost:
            assert label == "lost"


def test_new_days_past_lost_days_worked_example() -> None:
    """The report's customer: tenure 280, recency 5, a 300-day window with
    lost from 270: new in customer_status, as in segment with the rules."""
    th = StatusThresholds(new_days=300, lost_days=270)
    assert (th.new_days, th.lost_days) == (300.0, 270.0)
    assert customer_status([2], [280], [5], thresholds=th).to_numpy().tolist() == [
        "new"
    ]
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "date": ["2024-03-26", "2024-12-26"],
            "amount": [10.0, 10.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = custseg.segment(tx, as_of="2024-12-31", rules=_status_rules(300, 270))
    row = out.to_pandas().iloc[0]
    assert (row["tenure_days"], row["recency_days"], row["status"]) == (280, 5, "new")


# --------------------------------------------------------------------------
# 3. names that read alike


_LETTERS = "abcdeinouyzéèüñçåAÉ"


@st.composite
def _look_alikes(draw) -> tuple[str, str]:
    """Two different names that read alike: one in NFD (an accent stored
    apart, as text pasted on macOS) or with full-width letters."""
    word = unicodedata.normalize("NFC", draw(st.text(_LETTERS, min_size=1, max_size=6)))
    how = draw(st.sampled_from(["nfd", "wide"]))
    if how == "nfd":
        other = unicodedata.normalize("NFD", word)
    else:
        other = "".join(
            chr(ord(c) + 0xFEE0) if c.isascii() and draw(st.booleans()) else c
            for c in word
        )
    assume(other != word)
    return word, other


@settings(max_examples=40, deadline=None)
@given(
    pair=_look_alikes(),
    where=st.lists(st.integers(0, 4), min_size=2, max_size=2, unique=True),
)
def test_label_tuples_refuse_names_that_read_alike(pair, where: list[int]) -> None:
    """Every label tuple of a threshold class refuses two names that read
    alike (in the labels, or a label and no_purchase), as a rules file's
    table does (duplicate-name)."""
    names = ["s0", "s1", "s2", "s3", "s4"]
    names[where[0]], names[where[1]] = pair
    labels, missing = tuple(names[:4]), names[4]
    match = "read alike"
    with pytest.raises(ThresholdError, match=match):
        LifecycleWindows((90, 180, 270), labels, missing)
    with pytest.raises(ThresholdError, match=match):
        CarePhases((5, 30, 45), labels, missing)
    if 4 not in where:  # the tuples without a no-purchase name
        with pytest.raises(ThresholdError, match=match):
            LifeStageWindows(labels=labels)
        done = profile_completeness({"x": ["a"]}, hard=["x"], soft=[], weights=(1, 0))
        with pytest.raises(ThresholdError, match=match):
            done.band((0.2, 0.5, 0.8), labels)
    # the rules loader refuses the same names
    listed = ", ".join(f'"{x}"' for x in labels)
    src = (
        'format = 1\n[fields]\nrecency_days = { type = "number", missing = true }\n'
        '[tables.lifecycle]\nfield = "recency_days"\nbreaks = [90, 180, 270]\n'
        f'labels = [{listed}]\nmissing = "{missing}"\n'
    )
    with pytest.raises(RulesError, match="duplicate-name"):
        rules.loads(src)
    # another name in place of the look-alike is taken as given
    names[where[1]] = pair[0] + "2"
    w = LifecycleWindows((90, 180, 270), tuple(names[:4]), names[4])
    assert (*w.labels, w.no_purchase) == tuple(names)


def test_look_alike_worked_example() -> None:
    """The report's names: café composed and decomposed, care and ｃａｒｅ."""
    with pytest.raises(ThresholdError) as caught:
        LifecycleWindows(labels=("caf\u00e9", "cafe\u0301", "sleeping", "lost"))
    assert str(caught.value) == (
        "'labels' have names that read alike: 'caf\\xe9' and "
        "'cafe\\u0301': write each label one way (Unicode forms and full-width "
        "letters apart)"
    )
    with pytest.raises(ThresholdError, match="read alike"):
        CarePhases(labels=("care", "ｃａｒｅ", "stimulate", "established"))
    with pytest.raises(ThresholdError, match="read alike"):
        LifecycleWindows(no_purchase="ａｃｔｉｖｅ")
    # a stage named as typed selects all its customers
    w = LifecycleWindows(labels=("caf\u00e9", "sleeping", "lost", "gone"))
    s = lifecycle_stage([10, 100], w)
    assert (s == "caf\u00e9").tolist() == [True, False]


# --------------------------------------------------------------------------
# 4. full-width digits in answer fields


def _wide(text: str, pick: list[bool]) -> str:
    """*text* with the chosen ASCII characters in full width."""
    return "".join(
        chr(ord(c) + 0xFEE0) if p and "!" <= c <= "~" else c
        for c, p in zip(text, pick + [True] * len(text), strict=False)
    )


_FLAG_TEXTS = ["1", "0", "+1", "1.0", "0.0", "+0", "1.", "-1", "2", "-0"]


def _outcome(call):
    try:
        return call().to_numpy().tolist()
    except custseg.InputError as e:
        return type(e).__name__, str(e).split(" (first")[0].split(": ")[0]


@settings(max_examples=40, deadline=None)
@given(text=st.sampled_from(_FLAG_TEXTS), pick=st.lists(st.booleans(), max_size=4))
def test_yes_no_readers_read_full_width_digits(text: str, pick: list[bool]) -> None:
    """Every yes/no reader reads a flag written (in part) in full-width
    digits, signs and point as the ASCII text: the same label, or the same
    refusal (``-1``, ``2``)."""
    wide = _wide(text, pick)
    readers = [
        lambda x: customer_status([2], [9], [1], vip=[x]),
        lambda x: customer_status([0], [np.nan], [np.nan], interested=[x]),
        lambda x: needs_status([2], [9], loyal=[x]),
        lambda x: store_visit_class([1], [1], vip=[x]),
        lambda x: conversion_readiness([x], [1], [1], [1]),
        lambda x: custseg.dick_basu(attitude=[x], repeat=[1]),
    ]
    for read in readers:
        got, want = _outcome(lambda r=read: r(wide)), _outcome(lambda r=read: r(text))
        if isinstance(want, tuple):  # the same refusal, naming the value as given
            assert isinstance(got, tuple) and got[0] == want[0]
            if text in ("-1", "2"):
                assert got == want
        else:
            assert got == want


@settings(max_examples=20, deadline=None)
@given(code=st.integers(1, 5), pick=st.lists(st.booleans(), max_size=2))
def test_survey_codes_read_full_width_digits(code: int, pick: list[bool]) -> None:
    """A 1-5 survey code in full-width digits is the code."""
    wide = _wide(f"{code}", pick)
    got = loyalty_level([wide], [0.9], [10]).to_numpy().tolist()
    assert got == loyalty_level([code], [0.9], [10]).to_numpy().tolist()


def test_full_width_digits_worked_example() -> None:
    """The report's ``１``: 1, as ``Ｙｅｓ`` is yes; Arabic-Indic digits are
    still named."""
    got = customer_status([2, 2, 2], [9, 9, 9], [1, 1, 1], vip=["１", "０", "Ｙｅｓ"])
    assert got.to_numpy().tolist() == ["loyal", "new", "loyal"]
    series = pd.Series(["１", "０"], dtype="string")
    assert needs_status([2, 2], [9, 9], loyal=series).to_numpy().tolist() == [
        "loyal",
        "regular",
    ]
    with pytest.raises(custseg.InputError, match="digits other than ASCII 0-9"):
        loyalty_level(["\u0665"], [0.9], [10])


def test_digit_levels_written_two_ways_match_as_written() -> None:
    """A field whose own levels are ``1`` and ``１`` (read alike) matches
    each as written, never an invalid code."""
    from custseg._categories import as_category

    got = as_category(["１", "1", "2"], "x", ("1", "１", "2")).tolist()
    assert got == [1, 0, 2]
