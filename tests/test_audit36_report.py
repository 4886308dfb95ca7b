"""Audit 36, the HTML report (and the printed one) in Chinese.

1. The report's own table of the spine's Chinese class names had drifted
   from the classifiers' translations: it lacked the presets' fifth
   lifecycle stage ``gone`` (已流失). A result computed in English and shown
   with ``lang="zh"`` (``custseg.report(result, lang="zh")``, the printed
   ``custseg.cli.report(seg, lang="zh")``) read ``活跃期 ... 流失期, gone``
   in its lifecycle table, beside windows that read ``已流失 ≥ 365``.
2. A result computed in English shown in a Chinese page kept the rules'
   classes in English (``Champions`` beside the Chinese action), though the
   rules carry their Chinese names and ``lang`` says they give them.
3. A mean of money too large for float64 at the amounts' places was
   written with digits it does not have (``...333.20`` for ``...333.33``).
"""

from __future__ import annotations

import decimal
import fractions
import re
import warnings

import hypothesis
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import custseg
from custseg import _display, cli, reporting
from custseg import relationship as rel
from custseg.datasets import simulate_transactions
from custseg.lifecycle import LifecycleWindows, lifecycle_stage

#: Every lifecycle stage custseg translates (the presets' five and the
#: no-purchase and unknown labels), in English and as lifecycle_stage(lang="zh") names them.
_STAGES = LifecycleWindows(
    (90, 180, 270, 365), ("active", "silent", "sleeping", "lost", "gone")
)
_STAGE_EN = list(lifecycle_stage([0.0], _STAGES, frequency=[1]).names)
_STAGE_ZH = list(lifecycle_stage([0.0], _STAGES, lang="zh", frequency=[1]).names)


def _relationship_names(lang: str) -> list[str]:
    s = rel.contact_summary(["A"], ["2024-03-01"], ["customer"], ["sale"])
    return list(rel.relationship_type(s, lang=lang).names)


def _zh_of(column: str) -> dict[str, str]:
    if column == "lifecycle":
        return dict(zip(_STAGE_EN, _STAGE_ZH, strict=True))
    en, zh = _relationship_names("en"), _relationship_names("zh")
    return dict(zip(en, zh, strict=True))


def test_spine_names_shown_as_the_classifiers_translate_them() -> None:
    """Every class name the classifiers translate is shown so in a zh page
    (the lifecycle stages and the relationship types)."""
    for column in ("lifecycle", "relationship"):
        zh = _zh_of(column)
        assert reporting._run_texts(column, list(zh), "zh") == zh, column
        assert reporting._CLASS_ZH[column] == zh, column


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=60)
@given(
    st.sampled_from(["lifecycle", "relationship"]).flatmap(
        lambda c: st.tuples(
            st.just(c),
            st.lists(st.sampled_from(list(_zh_of(c))), min_size=1, unique=True),
        )
    )
)
def test_any_classes_of_a_run_shown_in_chinese(case: tuple[str, list[str]]) -> None:
    """Any classes of one run (any subset, any order) read as the
    classifier names them in Chinese."""
    column, names = case
    zh = _zh_of(column)
    assert reporting._run_texts(column, names, "zh") == {n: zh[n] for n in names}


def _section(html: str, section: str) -> str:
    body = html.split(f'<section id="{section}"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"<svg\b.*?</svg>", "", body, flags=re.DOTALL)


@pytest.fixture(scope="module")
def english_result() -> custseg.SegmentResult:
    tx = simulate_transactions(120, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        return custseg.segment(tx, preset="ecommerce")


def test_english_result_in_a_chinese_report(
    english_result: custseg.SegmentResult,
) -> None:
    """The repro: every stage of the lifecycle table in Chinese, as the
    windows above it; the playbook's rows too."""
    counts = english_result.customers["lifecycle"].value_counts()
    assert counts["gone"] > 0  # the stage the table missed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        page = custseg.report(english_result, lang="zh", charts=False)
    for section in ("lifecycle", "playbook", "rules"):
        text = _section(page.html, section)
        assert ">gone<" not in text, section
    lifecycle = _section(page.html, "lifecycle")
    assert (
        f'>已流失</th><td class="num" data-value="{float(counts["gone"])}"' in lifecycle
    )
    assert ">已流失</th>" in _section(page.html, "rules")  # the windows


def test_printed_report_in_chinese(english_result: custseg.SegmentResult) -> None:
    text = cli.report(english_result.customers, lang="zh")
    stages = text.split("\n\n")[1]
    assert "已流失" in stages
    assert not re.search(r"^gone\b", stages, flags=re.MULTILINE)
    n = int(english_result.customers["lifecycle"].value_counts()["gone"])
    assert re.search(rf"^已流失\s+{n:,d}\s", stages, flags=re.MULTILINE)


# 2. A result computed in English (segment(..., preset=...)) shown in a
#    Chinese page kept the rules' classes in English (rfm11 "Champions",
#    care_phase "care") beside Chinese headings and playbook actions, though
#    the rules name them in Chinese and the docs say lang="zh" names the
#    classes of such rules in Chinese.

_RULES = custseg.rules.preset("ecommerce")
_RFM11_ZH = dict(_RULES.segments["rfm11"].translations["zh"])


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=40)
@given(st.lists(st.sampled_from(sorted(_RFM11_ZH)), min_size=1, unique=True))
def test_rules_classes_shown_as_the_rules_name_them(names: list[str]) -> None:
    names_zh = reporting._rules_names(_RULES, "zh")
    shown = reporting._run_texts("rfm11", names, "zh", names_zh)
    assert shown == {n: _RFM11_ZH[n] for n in names}
    # an English run against a Chinese one: compared as written, and never
    # shown alike
    old, new = reporting._class_texts(
        "rfm11", names, [_RFM11_ZH[n] for n in names], "zh", names_zh
    )
    assert set(old.values()).isdisjoint(new.values())


def test_english_result_page_names_classes_as_the_transactions_page() -> None:
    tx = simulate_transactions(150, seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        result = custseg.segment(tx, preset="ecommerce")
        from_result = custseg.report(result, lang="zh", charts=False).html
        from_tx = custseg.report(tx, preset="ecommerce", lang="zh", charts=False).html
    assert "冠军客户" in _section(from_result, "segments")
    for section in ("segments", "pareto", "lifecycle", "playbook"):
        assert _section(from_result, section) == _section(from_tx, section), section


def test_english_runs_compared_as_written_in_a_chinese_page() -> None:
    """The classes are shown in Chinese, still compared as written: an
    English previous run against an English result is no change of language."""
    tx = simulate_transactions(150, seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error", custseg.CustsegWarning
        )  # no "no class in common"
        june = custseg.segment(
            tx[tx["date"] < "2024-07-01"], preset="ecommerce", as_of="2024-07-01"
        )
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        now = june.apply(tx, as_of="2025-01-01")
        warnings.simplefilter("error", custseg.CustsegWarning)
        page = custseg.report(now, previous=june, lang="zh", charts=False)
    moves = _section(page.html, "migration")
    assert ">冠军客户</th>" in moves and ">Champions<" not in moves
    en = custseg.report(now, previous=june, charts=False)
    stayed = re.findall(r"(\d+\.\d)% ", _section(en.html, "migration"))
    assert stayed and re.findall(r"(\d+\.\d)% ", moves) == stayed


# 3. A mean of money too large for float64 to hold at the amounts' places
#    was written with digits it does not have: the mean spend of 1e15, 2e15
#    and 7e14 (1,233,333,333,333,333.33...) read 1,233,333,333,333,333.20.


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=60)
@given(
    # any total, and totals whose means float64 holds to a unit or coarser
    total=st.integers(1, 2**53) | st.integers(2**49, 2**53),
    count=st.integers(1, 50),
    places=st.integers(0, 4),
)
@example(total=3_700_000_000_000_000, count=3, places=2)
def test_means_of_money_show_only_digits_they_have(
    total: int, count: int, places: int
) -> None:
    """A shown mean is within one unit of its last place of the exact mean."""
    text = _display.mean_money(total / count, places)
    shown = decimal.Decimal(text.replace(",", ""))
    exact = fractions.Fraction(total, count)
    unit = fractions.Fraction(10) ** shown.as_tuple().exponent
    assert abs(fractions.Fraction(shown) - exact) <= unit, (text, total, count)


def test_huge_mean_spend_in_the_page() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": ["2024-05-01"] * 3,
            "amount": [1e15, 2e15, 7e14],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)  # few customers
        page = custseg.report(tx, as_of="2024-06-01", charts=False)
    lifecycle = _section(page.html, "lifecycle")
    assert ">1,233,333,333,333,333</td>" in lifecycle  # the mean spend
    assert "1,233,333,333,333,333.20" not in page.html
    # the sum: to the places its float holds (step 0.5 there: audit 41)
    assert ">3,700,000,000,000,000</td>" in lifecycle
