"""Audit 11, area N: what a person sees.

N1: with a customer whose net spend is below 0, the ABC and Pareto figures
(of the positive spends) and the tables' revenue share (of the net revenue)
are of two totals: the HTML page and the printed ``segment`` report name
both; without such a customer they are as before.

N2: "N customers, X% in the same class" printed a share of the customers in
both runs beside the count of everyone: ``custseg migrate``, the report's
migration section, the heat map title and the repr now give the count the
share is of.

N3: a Chinese page's charts name the classes as the tables above them do.

N4: the page's tables fit a desktop window (the body may grow, headers wrap,
class names keep a width); phones still scroll them sideways.
"""

from __future__ import annotations

import re
import warnings
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import custseg
from custseg import cli, reporting
from custseg._cli_migrate import _report as migrate_report
from custseg.datasets import simulate_transactions
from custseg.migration import transition_matrix

FAST = settings(max_examples=30, deadline=None)

# --------------------------------------------------------------------------
# N1


def _refund_frame() -> pd.DataFrame:
    """The audit's repro: five buyers and one customer with a refund only."""
    return pd.DataFrame(
        {
            "customer_id": list("abcder"),
            "date": ["2024-12-01"] * 6,
            "amount": [800.0, 100.0, 50.0, 30.0, 20.0, -500.0],
        }
    )


def _plain_frame() -> pd.DataFrame:
    """No net spend below 0 (a refund smaller than the purchase, and 0)."""
    return pd.DataFrame(
        {
            "customer_id": list("abcdeez"),
            "date": ["2024-12-01"] * 7,
            "amount": [800.0, 100.0, 50.0, 30.0, 20.0, -5.0, 0.0],
        }
    )


@cache
def _page(kind: str, lang: str) -> custseg.Report:
    frame = _refund_frame() if kind == "refund" else _plain_frame()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return custseg.report(frame, charts=False, as_of="2025-01-01", lang=lang)


def _section(html: str, name: str) -> str:
    return html.split(f'<section id="{name}"')[1].split("</section>")[0]


def _notes(html: str) -> list[str]:
    return re.findall(r'<p class="note">([^<]*)</p>', html)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_names_both_totals_when_a_net_spend_is_below_0(lang: str) -> None:
    """The ABC sentence and the Pareto figures say they are of the positive
    spends (1,000.00, leaving out the customer at -500.00), and the ABC
    table's revenue share (A: 160%) says it is of the net revenue (500.00)."""
    html = _page("refund", lang).html
    positive = "正消费合计 1,000.00" if lang == "zh" else "positive spends, 1,000.00"
    for name in ("rules", "pareto"):
        notes = [
            n for n in _notes(_section(html, name)) if positive in n and "-500" in n
        ]
        assert len(notes) == 1, name
        assert "-500.00" in notes[0] and "500.00" in notes[0].replace("-500.00", "")
        assert ("1 位客户" if lang == "zh" else "1 customer ") in notes[0]
    abc = html.split('data-column="abc"')[1].split("</div></div>")[0]
    assert "160.0%" in abc  # A's share of the net revenue
    under = abc.split("</table></div>")[1]
    net = "按净收入 500.00" if lang == "zh" else "of the net revenue, 500.00"
    assert net in under and "1,000.00" in under


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_unchanged_without_a_net_spend_below_0(lang: str) -> None:
    """A refund smaller than the purchase, or a spend of 0: one total, no note."""
    html = _page("plain", lang).html
    for word in ("positive spends", "net revenue", "正消费合计", "净收入"):
        assert word not in html
    abc = html.split('data-column="abc"')[1].split("</section>")[0]
    assert '<p class="note">' not in abc


def _printed(frame: pd.DataFrame) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seg = custseg.segment(frame, as_of="2025-01-01").customers
    return cli.report(seg)


def test_printout_names_both_totals_when_a_net_spend_is_below_0() -> None:
    out = _printed(_refund_frame())
    abc = out.split("abc class")[1].split("\n\n")[0]
    assert "160.0%" in abc
    assert (
        "(revenue share: of the net revenue, 500.00, refunds included; the ABC "
        "classes are cut on the positive spends, 1,000.00)"
    ) in abc
    pareto = next(line for line in out.splitlines() if line.startswith("Pareto:"))
    assert pareto.startswith(
        "Pareto: 16.7% of customers make 80% of the positive spends (1 customer "
        "with net spend below 0 counted as spending 0); the top 20% make "
    )


def test_printout_unchanged_without_a_net_spend_below_0() -> None:
    out = _printed(_plain_frame())
    assert "revenue share: of the net" not in out
    assert "positive spends" not in out
    pareto = next(line for line in out.splitlines() if line.startswith("Pareto:"))
    assert re.fullmatch(
        r"Pareto: [\d.]+% of customers make 80% of revenue; the top 20% make "
        r"[\d.]+%; Gini \d\.\d{3}",
        pareto,
    )


# --------------------------------------------------------------------------
# N2

_LINE = re.compile(
    r"x: ([\d,]+) customers? \(([\d,]+) in both runs, ([\d,]+) new, ([\d,]+) gone\);"
    r" of the ([\d,]+) in both, (\d+\.\d%|-) in the same class"
)


def _num(text: str) -> int:
    return int(text.replace(",", ""))


@st.composite
def _two_runs(draw: st.DrawFn) -> tuple[pd.Series, pd.Series]:
    """Two runs' classes by customer id, some customers in one run only."""
    n = draw(st.integers(1, 40))
    # each customer in both runs, in the earlier one only (gone) or in the
    # later one only (new)
    where = draw(
        st.lists(st.sampled_from(["both", "gone", "new"]), min_size=n, max_size=n)
    )
    classes = st.sampled_from(["active", "silent", "lost"])
    before = {f"c{i}": draw(classes) for i, w in enumerate(where) if w != "new"}
    after = {f"c{i}": draw(classes) for i, w in enumerate(where) if w != "gone"}
    return pd.Series(before, dtype=object), pd.Series(after, dtype=object)


@FAST
@given(runs=_two_runs())
# 9 of 16 stayed: 56.25%, written half up (a draw of it failed the test
# when its expected text was Python's 56.2%)
@example(
    runs=(
        pd.Series(["a"] * 9 + ["b"] * 7, dtype=object),
        pd.Series(["a"] * 16, dtype=object),
    )
)
def test_migrate_prints_the_count_its_share_is_of(
    runs: tuple[pd.Series, pd.Series],
) -> None:
    before, after = runs
    tm = transition_matrix(before, after)
    first = migrate_report("x", tm).splitlines()[0]
    found = _LINE.fullmatch(first)
    assert found, first
    n, both, new, gone, of, share = found.groups()
    in_both = before.index.intersection(after.index)
    assert _num(n) == len(before.index.union(after.index))
    assert _num(both) == _num(of) == len(in_both)
    assert _num(new) == len(after.index.difference(before.index))
    assert _num(gone) == len(before.index.difference(after.index))
    same = int((before[in_both] == after[in_both]).sum())
    # the share printed is of the count printed beside it
    # (written half up, as every share custseg prints: 9 of 16 is 56.3%,
    # where Python's format gives 56.2%)
    exact = Decimal(100 * same) / Decimal(len(in_both)) if len(in_both) else None
    assert share == (
        f"{exact.quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
        if exact is not None
        else "-"
    )
    assert tm.n_both == len(in_both)
    if len(in_both) and len(in_both) != tm.n:  # the repr names the count too
        assert f"stayed {share} of the {len(in_both)} in both" in repr(tm)


@cache
def _migration_page(lang: str) -> custseg.Report:
    tx = simulate_transactions(300, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        june = custseg.segment(
            tx[tx["date"] < "2024-07-01"], as_of="2024-06-30", after_as_of="drop"
        )
        return custseg.report(tx, previous=june, lang=lang, charts=lang == "zh")


_SENTENCE = {
    "en": r"lifecycle: ([\d,]+) customers \(([\d,]+) in both runs, ([\d,]+) new, "
    r"([\d,]+) gone\); of the ([\d,]+) in both, (\d+\.\d)% in the same class\.",
    "zh": r"生命周期 \(lifecycle\):([\d,]+) 位客户\(两期都在 ([\d,]+) 位,新进入 "
    r"([\d,]+) 位,已离开 ([\d,]+) 位\);两期都在的客户中 ()(\d+\.\d)% 留在同一类别。",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_migration_gives_the_count_its_share_is_of(lang: str) -> None:
    sec = _migration_page(lang).html.split('class="migration" data-column="lifecycle"')
    # a class name's <wbr> after "_" (audit 41) is markup, not text
    sec = sec[1].split("</table>")[0].replace("<wbr>", "")
    sentence = re.search(r"<p>([^<]*)</p>", sec)
    assert sentence
    found = re.fullmatch(_SENTENCE[lang], sentence.group(1))
    assert found, sentence.group(1)
    n, both, new, gone = (_num(x) for x in found.groups()[:4])
    assert n == both + new + gone and new > 0
    if lang == "en":
        assert _num(found.group(5)) == both
    # the table's diagonal over the customers in both is the share printed
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', sec)[1:]
    same = 0
    for name, cells in re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', sec):
        counts = [_num(c) for c in re.findall(r">([\d,]+)</td>", cells)]
        assert len(counts) == len(heads)
        if name in heads:
            same += counts[heads.index(name)]
    assert f"{100 * same / both:.1f}" == found.group(6)


def test_heatmap_title_gives_the_count_its_share_is_of() -> None:
    pytest.importorskip("matplotlib")
    from custseg import plot

    jan = pd.Series(["a", "b"], index=["c1", "c2"])
    feb = pd.Series(["a", "a", "a", "b"], index=["c1", "c2", "c3", "c4"])
    tm = transition_matrix(jan, feb)
    en = plot.transition_heatmap(tm).get_title()
    zh = plot.transition_heatmap(tm, lang="zh").get_title()
    import matplotlib.pyplot as plt

    plt.close("all")
    assert en.endswith("\n50.0% stayed in their class\n(of the 2 in both periods)")
    assert zh.endswith("\n50.0% 的客户留在原类别\n（以两期都在的 2 位客户计）")


# --------------------------------------------------------------------------
# N3


def _svg_texts(svg: str) -> set[str]:
    return {t.strip() for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)}


def test_zh_charts_name_the_classes_as_their_tables() -> None:
    pytest.importorskip("matplotlib")
    html = _migration_page("zh").html
    english = set(reporting._CLASS_ZH["lifecycle"])
    # the lifecycle table and its chart
    sec = html.split('<div class="summary" data-column="lifecycle"')[1]
    sec = sec.split("</figure>")[0]
    table, chart = sec.split("<figure")
    names = re.findall(r'<th scope="row">([^<]*)</th>', table.split("<tfoot>")[0])
    texts = _svg_texts(chart)
    assert names and set(names) <= texts
    assert not texts & english
    # the migration table and its heat map
    sec = html.split('<div class="migration" data-column="lifecycle"')[1]
    sec = sec.split("</figure>")[0]
    table, chart = sec.split("<figure")
    rows = re.findall(r'<th scope="row">([^<]*)</th>', table)
    cols = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)[1:]
    texts = _svg_texts(chart)
    shown = {n for n in [*rows, *cols] if n not in ("(new)", "(gone)")}
    assert shown and shown <= texts
    assert not texts & english
    # the warning about the score edges, and what F counts, in Chinese
    warning = re.findall(r'<p class="warning"[^>]*>([^<]*)</p>', html)
    assert warning and warning[0].startswith("两期的评分分界值不同")
    assert "F 的计数方式</th><td>交易" in html


# --------------------------------------------------------------------------
# N4


def _rule(selector: str) -> str:
    found = re.search(
        r"(?:^|\})\s*" + re.escape(selector) + r"\s*\{([^}]*)\}", reporting._CSS
    )
    assert found, selector
    return found.group(1)


def test_css_lets_tables_fit_a_desktop_window() -> None:
    css = reporting._CSS
    body = _rule("body")
    assert "72rem" not in css
    assert "max-width: min(90rem, 100%)" in body and "72rem" not in body
    # number headers wrap (the cells' numbers do not), an arrow stays with
    # its header
    assert "white-space: normal" in _rule("thead th, thead th.num")
    assert "keep-all" in _rule("thead th, thead th.num")
    assert "nowrap" in _rule("td.num, th.num")
    assert "\\00a0\\2195" in css
    # class names keep a width: no 3-character CJK columns, and common
    # names (records_only) whole on a phone since audit 39
    assert "min-width: 11em" in _rule(
        ".summary tbody th, .playbook tbody th, .migration tbody th"
    )
    # phones: wide tables still scroll sideways inside the page
    assert "overflow-x: auto" in _rule(".table-wrap")
