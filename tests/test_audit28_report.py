"""Audit 28, report and plots: findings of the twenty-eighth audit.

Each test covers the class of a finding (with hypothesis), then its worked
example.
"""

from __future__ import annotations

import html
import io
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import custseg
from custseg import _display
from custseg.errors import CustsegWarning, InputError, ThresholdError

AS_OF = pd.Timestamp("2024-07-01")


def _quiet(fn: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return fn(*args, **kwargs)


# --------------------------------------------------------------------------
# 1. the lifecycle windows table follows the rules table's `closed`


def _windows(page_html: str) -> dict[str, str]:
    """The page's lifecycle windows table: stage -> days."""
    start = page_html.index('<th scope="col">stage</th>')
    body = page_html[start : page_html.index("</table>", start)]
    rows = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', body)
    return {html.unescape(k): html.unescape(v) for k, v in rows}


def _within(days: float, text: str) -> bool:
    """Whether *days* lies in the interval *text* (``[0, 90)``, ``(90,
    180]``, ``≥ 365``, ``> 365``, ``< 5``, ``≤ 5``)."""
    one = re.fullmatch(r"(≥|>|<|≤) (-?[\d.]+)", text)
    if one:
        op, x = one.group(1), float(one.group(2))
        return {
            "≥": days >= x,
            ">": days > x,
            "<": days < x,
            "≤": days <= x,
        }[op]
    two = re.fullmatch(r"([\[(])(-?[\d.]+), (-?[\d.]+)([\])])", text)
    assert two, text
    lo, hi = float(two.group(2)), float(two.group(3))
    above = days >= lo if two.group(1) == "[" else days > lo
    below = days <= hi if two.group(4) == "]" else days < hi
    return above and below


def _rules_file(tmp: Path, breaks: list[int], closed: str) -> str:
    path = tmp / f"windows_{closed}_{'_'.join(map(str, breaks))}.toml"
    path.write_text(
        'extends = "ecommerce"\nname = "windows"\n\n[tables.lifecycle]\n'
        f"breaks = {breaks}\nclosed = {closed!r}\n".replace("'", '"'),
        encoding="utf-8",
    )
    return str(path)


@settings(max_examples=20, deadline=None)
@given(
    breaks=st.lists(st.integers(1, 500), min_size=4, max_size=4, unique=True).map(
        sorted
    ),
    closed=st.sampled_from(["left", "right"]),
)
@example(breaks=[90, 180, 270, 365], closed="right")
def test_windows_table_states_the_intervals_the_labels_follow(
    tmp_path_factory: pytest.TempPathFactory, breaks: list[int], closed: str
) -> None:
    """The windows table wrote ``[lo, hi)`` whatever the rules table's
    ``closed``: with ``closed = "right"`` a customer on a break was in the
    stage the table said ended there. Every customer's days lie in the
    interval the table states for their stage, on the breaks too."""
    path = _rules_file(tmp_path_factory.mktemp("rules"), breaks, closed)
    days = sorted({max(d, 0) for b in (0, *breaks) for d in (b - 1, b, b + 1)})
    ids = [f"c{i}" for i in range(len(days))]
    dates = [(AS_OF - pd.Timedelta(days=d)).strftime("%Y-%m-%d") for d in days]
    tx = pd.DataFrame({"customer_id": ids, "date": dates, "amount": 10.0})
    page = _quiet(custseg.report, tx, rules=path, as_of=AS_OF, charts=False)
    table = _windows(page.html)
    customers = page.result.customers
    assert len(table) == 5
    for d, stage in zip(customers["recency_days"], customers["lifecycle"], strict=True):
        assert _within(float(d), table[str(stage)]), (d, stage, table)
        others = [k for k, text in table.items() if k != stage and _within(d, text)]
        assert others == [], (d, stage, table)


def test_windows_table_worked_example(tmp_path: Path) -> None:
    """The report's case: 90 days is active under closed = "right"."""
    path = _rules_file(tmp_path, [90, 180, 270, 365], "right")
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["2024-06-01", "2024-04-02"],
            "amount": [10.0, 20.0],
        }
    )
    page = _quiet(custseg.report, tx, rules=path, as_of="2024-07-01", charts=False)
    assert page.result.customers.loc["b", "lifecycle"] == "active"
    assert _windows(page.html) == {
        "active": "[0, 90]",
        "silent": "(90, 180]",
        "sleeping": "(180, 270]",
        "lost": "(270, 365]",
        "gone": "> 365",
    }
    # the default (closed = "left") as before
    page = _quiet(custseg.report, tx, as_of="2024-07-01", charts=False)
    assert _windows(page.html) == {
        "active": "[0, 90)",
        "silent": "[90, 180)",
        "sleeping": "[180, 270)",
        "lost": "≥ 270",
    }


# --------------------------------------------------------------------------
# 2. bar labels round shares as the tables do


def _bar_labels(table: pd.DataFrame) -> list[str]:
    from custseg import plot

    ax = plot.segment_sizes(table)
    return [t.get_text() for t in ax.texts if t.get_text()]


@settings(max_examples=30, deadline=None)
@given(
    n=st.sampled_from([200, 2000, 4000, 20000]),
    k=st.integers(0, 20000),
    spend=st.integers(1, 9),
)
@example(n=2000, k=119, spend=1)
def test_bar_labels_read_what_the_table_reads(n: int, k: int, spend: int) -> None:
    """``segment_sizes`` labelled ``100 * share`` divided back by 100: 119 of
    2,000 (5.95%) was 5.9% on the bar and 6.0% in the table. Every bar's
    number is the table's share, written by the one function."""
    pytest.importorskip("matplotlib")
    k = k % (n + 1) | 1 if n > 1 else k % (n + 1)  # odd: a half at the 2nd decimal
    k = min(k, n)
    labels = pd.Categorical(
        ["active"] * (n - k) + ["silent"] * k, categories=["active", "silent"]
    )
    facts = pd.DataFrame(
        {
            "recency_days": [30.0] * n,
            "frequency": [1] * n,
            "monetary": [10.0] * (n - k) + [10.0 * spend] * k,
        }
    )
    table = custseg.segment_summary(labels, facts)
    body = table.iloc[:-1]
    want = [_display.percent(x) for x in body["customer_share"]] + [
        _display.percent(x) for x in body["revenue_share"]
    ]
    assert _bar_labels(table) == want


def test_bar_labels_worked_example() -> None:
    pytest.importorskip("matplotlib")
    n = 2000
    labels = pd.Categorical(
        ["active"] * (n - 119) + ["silent"] * 119, categories=["active", "silent"]
    )
    facts = pd.DataFrame(
        {"recency_days": [30.0] * n, "frequency": [1] * n, "monetary": [10.0] * n}
    )
    table = custseg.segment_summary(labels, facts)
    assert _display.percent(table.customer_share.iloc[1]) == "6.0%"
    assert _bar_labels(table) == ["94.1%", "6.0%", "94.1%", "6.0%"]


# --------------------------------------------------------------------------
# 3. a lone surrogate in a name: charts drawn, the page's write names it

surrogate_names = st.text(
    alphabet=st.sampled_from(["a", "b", " ", "\udc80", "\ud800", "\udfff", "中"]),
    min_size=1,
    max_size=6,
).filter(lambda s: s.strip() and re.search("[\ud800-\udfff]", s))


@settings(max_examples=25, deadline=None)
@given(names=st.lists(surrogate_names, min_size=1, max_size=3, unique=True))
def test_charts_draw_names_with_lone_surrogates(names: list[str]) -> None:
    """matplotlib cannot lay out a lone surrogate (a raw ``TypeError``), and
    pandas' text index refused one (``UnicodeEncodeError``): the charts
    draw each name with its surrogates as code points, every name apart."""
    pytest.importorskip("matplotlib")
    from custseg import plot

    # (from codes: pandas' text dtype refuses a lone surrogate)
    codes = np.arange(2 * len(names)) % len(names)
    labels = pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=object))
    facts = pd.DataFrame(
        {"recency_days": 1.0, "frequency": 1, "monetary": 5.0},
        index=range(len(labels)),
    )
    table = custseg.segment_summary(labels, facts)
    ax = plot.segment_sizes(table)
    shown = [t.get_text() for t in ax.get_yticklabels()]
    assert shown == [_display.shown_name(n, surrogates=True) for n in names]
    assert all(not re.search("[\ud800-\udfff]", t) for t in shown)
    svg = plot.to_svg(ax)
    assert not re.search("[\ud800-\udfff]", svg)
    with warnings.catch_warnings():  # names apart only by blanks "read alike"
        warnings.simplefilter("ignore", CustsegWarning)
        tm = custseg.transition_matrix(
            pd.Series(labels), pd.Series(labels[::-1].copy())
        )
    plot.to_svg(plot.transition_heatmap(tm))


def test_report_with_charts_and_a_surrogate_owner() -> None:
    """The report's case: charts on raised pyarrow's UnicodeEncodeError;
    the page is made (chart drawn with ``bo\\udc80``), and its write names
    the character, as without charts."""
    pytest.importorskip("matplotlib")
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["2024-01-01", "2024-02-01"],
            "amount": [10.0, 20.0],
        }
    )
    rec = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "owner": pd.Series(["amy", "bo\udc80"], dtype=object),
        }
    )
    page = _quiet(custseg.report, tx, records=rec, as_of="2024-07-01")
    section = page.html[page.html.index('<section id="ownership"') :]
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert "bo\\udc80" in svg
    with pytest.raises(InputError, match="lone surrogate"):
        page.write("unused.html")


# --------------------------------------------------------------------------
# 4. tabs, line breaks and other controls in names: shown as code points

name_chars = st.sampled_from(
    ["a", "m", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x00", "\x1f", "\x7f", "\x85"]
)
names = st.text(name_chars, min_size=1, max_size=5).filter(
    lambda s: _display.alike(s).strip(_display.BLANKS)
)


def _row_names(page_html: str) -> list[str]:
    start = page_html.index('id="summary-owner"')
    body = page_html[start : page_html.index("</table>", start)]
    return [
        html.unescape(t) for t in re.findall(r'<th scope="row">(.*?)</th>', body, re.S)
    ]


def _reads(text: str) -> str:
    """What a browser shows of *text*: a run of blanks as one space, none at
    the ends, controls as nothing."""
    text = re.sub(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]", "", text)
    return " ".join(text.split())


@settings(max_examples=25, deadline=None)
@given(owners=st.lists(names, min_size=2, max_size=5, unique=True))
@example(owners=["amy", "amy\n", "x y", "x\ty", "x\ny"])
def test_owners_never_read_alike_on_the_page(owners: list[str]) -> None:
    """``amy`` and ``amy\\n``, ``x y`` and ``x\\ty`` were shown as they are:
    a browser reads them alike. Every owner reads apart, with no control
    character on the page."""
    ids = [f"c{i}" for i in range(len(owners))]
    tx = pd.DataFrame({"customer_id": ids, "date": "2024-01-01", "amount": 10.0})
    rec = pd.DataFrame({"customer_id": ids, "owner": owners})
    page = _quiet(custseg.report, tx, records=rec, as_of=AS_OF, charts=False)
    rows = _row_names(page.html)
    shown = [r for r in rows if r not in ("Total", "(Total)")]
    assert sorted(shown) == sorted(_display.shown_name(o) for o in owners)
    assert len({_reads(r) for r in shown}) == len(owners)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", page.html)


@settings(max_examples=40, deadline=None)
@given(text=names, other=names)
def test_notebook_tables_show_controls_as_the_page_does(text: str, other: str) -> None:
    """Notebook tables turned ``\\n`` and ``\\t`` into spaces after showing
    the blanks: ``"amy\\n"`` read ``amy``. They show the page's text, so
    two names read alike only when they are alike."""
    shown = html.unescape(_display._html_text(text))
    assert shown == _display._clip(_display.shown_name(text))
    if text != other:
        assert _reads(shown) != _reads(html.unescape(_display._html_text(other)))


def test_owner_controls_worked_example() -> None:
    """The report's case, in the page's table, its chart and a notebook
    table."""
    pytest.importorskip("matplotlib")
    owners = ["amy", "amy\n", "x y", "x\ty", "x\ny"]
    ids = [f"c{i}" for i in range(len(owners))]
    tx = pd.DataFrame({"customer_id": ids, "date": "2024-01-01", "amount": 10.0})
    rec = pd.DataFrame({"customer_id": ids, "owner": owners})
    page = _quiet(custseg.report, tx, records=rec, as_of=AS_OF)
    assert _row_names(page.html)[:5] == [
        "amy",
        "amy\\u000a",
        "x\\u0009y",
        "x\\u000ay",
        "x y",
    ]
    section = page.html[page.html.index('<section id="ownership"') :]
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert "amy\\u000a" in svg and "x\\u0009y" in svg
    assert _display._html_text("amy\n") == "amy\\u000a"
    assert _display._html_text("x\ty") == "x\\u0009y"


# --------------------------------------------------------------------------
# 5. heat map cell numbers fit their cells


def _cells_fit(ax: Any) -> None:
    """Every cell's number lies inside its cell (horizontally)."""
    ax.figure.savefig(io.BytesIO(), format="png", dpi=72)  # laid out as saved
    for t in ax.texts:
        if not t.get_text():
            continue
        x, _y = t.get_position()
        left = ax.transData.transform((x - 0.5, 0))[0]
        right = ax.transData.transform((x + 0.5, 0))[0]
        box = t.get_window_extent()
        assert left <= box.x0 and box.x1 <= right, (t.get_text(), box, left, right)


@settings(max_examples=20, deadline=None)
@given(
    power=st.integers(0, 19),
    seed=st.integers(0, 2**16),
    bins=st.sampled_from([3, 5, 8]),
    sign=st.sampled_from([1.0, -1.0]),
)
@example(power=14, seed=1, bins=5, sign=1.0)
def test_heatmap_numbers_fit_their_cells(
    power: int, seed: int, bins: int, sign: float
) -> None:
    """Means of 15 digits and more ran into the next cells and past the
    axes. Every number fits its cell, and reads the table's mean to three
    significant digits at least."""
    pytest.importorskip("matplotlib")
    from custseg import plot

    rng = np.random.default_rng(seed)
    n = 150
    rec = rng.integers(0, 400, n).astype(float)
    freq = rng.integers(1, 20, n)
    mon = sign * rng.uniform(1, 9, n) * 10.0**power
    s = custseg.rfm_scores(rec, freq, mon, bins=bins, nan="unknown")
    ax = plot.rf_heatmap(s, mon, value="monetary")
    _cells_fit(ax)
    means = np.ma.filled(ax.images[0].get_array(), np.nan)
    for t in ax.texts:
        if not t.get_text():
            continue
        j, i = (round(c) for c in t.get_position())
        shown = float(t.get_text().replace(",", ""))
        assert abs(shown - means[i, j]) <= max(abs(means[i, j]) * 5e-3, 0.5)
    ax = plot.rf_heatmap(s, value="customers")
    _cells_fit(ax)


def test_heatmap_worked_example(tmp_path: Path) -> None:
    """The report's case: means of 1e12 to 9e14 in 5 x 5 cells."""
    pytest.importorskip("matplotlib")
    from custseg import plot

    rng = np.random.default_rng(1)
    n = 200
    rec = rng.integers(0, 400, n).astype(float)
    freq = rng.integers(1, 20, n)
    mon = rng.uniform(1e12, 9e14, n)
    s = custseg.rfm_scores(rec, freq, mon, nan="unknown")
    ax = plot.rf_heatmap(s, mon, value="monetary")
    _cells_fit(ax)
    assert all(re.fullmatch(r"\d\.\d\de1[45]", t.get_text()) for t in ax.texts)
    ax.figure.savefig(tmp_path / "rf_huge.png", dpi=60)


# --------------------------------------------------------------------------
# 6. an unknown option of report() is a ThresholdError naming it

_REPORT_OPTIONS = {"previous", "lang", "title", "charts", "data"}


@settings(max_examples=25, deadline=None)
@given(
    name=st.from_regex(r"[a-z][a-z_]{0,12}", fullmatch=True).filter(
        lambda s: (
            s not in custseg.reporting._SEGMENT_OPTIONS and s not in _REPORT_OPTIONS
        )
    )
)
@example(name="nan")
@example(name="as_off")
def test_unknown_option_is_named(name: str) -> None:
    """``report(tx, nan="unknown")`` raised the builtin ``TypeError:
    segment() got an unexpected keyword argument``: a ThresholdError from
    report names the option and lists those it takes."""
    tx = pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": [1.0]})
    with pytest.raises(ThresholdError) as info:
        custseg.report(tx, **{name: "x"})
    text = str(info.value)
    assert f"{name!r} is not an option of report()" in text
    assert "as_of" in text and "preset" in text


def test_unknown_option_worked_example() -> None:
    tx = pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": [1.0]})
    with pytest.raises(ThresholdError, match=r"'nan' is not an option of report\(\)"):
        custseg.report(tx, nan="unknown")
    with pytest.raises(ThresholdError, match=r"did you mean 'as_of'"):
        custseg.report(tx, as_off="2024-07-01")
    with pytest.raises(ThresholdError, match=r"'nan', 'x' are not options"):
        custseg.report(tx, nan="unknown", x=1)
    page = _quiet(custseg.report, tx, as_of="2024-07-01", charts=False)
    assert page.sections[0] == "inputs"
