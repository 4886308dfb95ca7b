"""Audit 40, report and plots: findings of the fortieth audit (probes40/report).

- A long class name in a column header of the migration table (this run's
  classes) widened its column to the whole name: the headers kept every
  word (Latin, or a CJK run under ``word-break: keep-all``) on one line.
- The note on edges fitted on few customers wrote them as Python floats
  (``78.31500000000001``, ``1.0``), where the report's score ranges and
  the printed report write them at the data's decimal places.
- A transition heat map of 12 or more classes, drawn 13 inches wide, was
  shrunk into the page's 44rem chart box: its names and shares at half size.
- The ranges table wrote a score between equal edges as ``> 12.5, ≤ 12.5``
  (no value is in it) and two edges between the same two values of the
  data as ``≥ 2, < 2``.
- A Chinese page wrote the notes on fitted edges in English.
"""

from __future__ import annotations

import functools
import re
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import _display, reporting

FEW = settings(max_examples=40, deadline=None)


def _css_rules(page_html: str) -> dict[str, str]:
    css = re.search(r"<style>(.*?)</style>", page_html, re.S)
    assert css is not None
    # (the rules outside @media: the first of each selector)
    rules: dict[str, str] = {}
    for m in re.finditer(r"([^{}]+)\{([^{}]*)\}", css.group(1)):
        rules.setdefault(m.group(1).strip(), m.group(2))
    return rules


@functools.lru_cache(maxsize=2)
def _small_page(lang: str = "en") -> Any:
    """The report of two customers who spent 12.50 each."""
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["2024-01-05", "2024-02-01"],
            "amount": [12.5, 12.5],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return custseg.report(
            tx, preset="ecommerce", as_of="2024-03-01", lang=lang, charts=False
        )


def test_column_headers_break_a_long_name() -> None:
    """Column headers are at most 12em wide and a word longer than that
    breaks (``overflow-wrap: break-word``, which keeps short names such as
    ``gone`` whole, unlike ``anywhere``), a CJK run under keep-all too; a
    sortable header's button breaks inside its header."""
    rules = _css_rules(_small_page().html)
    head = rules["thead th, thead th.num"]
    assert "max-width: 12em" in head
    assert "overflow-wrap: break-word" in head
    assert "keep-all" in head  # CJK words are not split between characters
    # the sort button stays inside its header (12em of it overlapped the
    # next header by the padding): as wide as the header at most
    assert "max-width: 100%" in rules["th button"]


@FEW
@given(
    st.lists(
        st.integers(-(10**7), 10**7).map(lambda c: c / 100), min_size=2, max_size=9
    ),
    st.booleans(),
)
def test_unstable_edges_note_writes_edges_as_the_report(
    cents: list[float], better: bool
) -> None:
    """The note on edges fitted on few customers writes each edge as the
    report's score ranges do: at the data's decimal places (cents here),
    thousands separated, never a float's noise or exponent."""
    values = np.asarray(cents)
    edges = custseg.rfm.quantile_edges(values)
    notes = custseg.rfm._edge_notes("monetary", values, edges, better)
    said = re.search(r"so the edges \((.*?)\) are unstable", notes[0])
    assert said is not None
    written = said.group(1).split(", ")
    places = _display.decimal_places(values)
    assert places is not None and places <= 2
    # each edge once, as the ranges of the report write it
    assert written == [_display.edge_text(c, better, places) for c in edges.cuts]
    ranges = _display.score_ranges(list(edges.cuts), edges.bins, better, places)
    decimals = rf"\.[0-9]{{{places}}}" if places else ""
    for text in written:
        assert re.fullmatch(r"-?[0-9]{1,3}(,[0-9]{3})*" + decimals, text), text
        assert any(text in r for r in ranges)


def test_unstable_edges_note_repro() -> None:
    s = custseg.rfm_scores(
        [3, 40, 200, 10, 90],
        [12, 3, 1, 6, 1],
        [136.08, 136.09, 136.1, 20.55, 300.0],
    )
    text = "\n".join(s.diagnostics)
    assert "(78.31, 136.08, 136.09, 218.05)" in text  # was 78.31500000000001
    assert "(7, 25, 65, 145)" in text  # was (6.5, 25.0, 65.0, 145.0)
    assert "e+" not in text and "0000" not in text


def test_wide_chart_is_shown_at_its_own_width() -> None:
    """A chart wider than 44rem (a heat map of 12 classes is drawn 13
    inches wide, 936 points, sized by its class count) is shown at its own
    width, up to the page's, and never shrunk below 44rem; a chart that
    fits 44rem keeps the default box."""
    wide = '<svg width="936pt" height="500pt" viewBox="0 0 936 500"></svg>'
    figure = reporting._figure(wide, "moves")
    assert figure.startswith('<figure class="chart wide" style="--width: 1248px"')
    small = '<svg width="300pt" height="200pt" viewBox="0 0 300 200"></svg>'
    assert reporting._figure(small, "x").startswith('<figure class="chart" aria')
    rules = _css_rules(_small_page().html)
    assert "var(--width" in rules["figure.chart.wide"]
    assert "min-width: 44rem" in rules["figure.chart.wide .svg svg"]


def _ranges(page_html: str) -> list[list[str]]:
    import html

    part = re.search(r'<div class="ranges">.*?</div>', page_html, re.S)
    assert part is not None
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", c))
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        ]
        for tr in re.findall(r"<tr>(.*?)</tr>", part.group(0), re.S)
    ]


@pytest.mark.parametrize(
    ("lang", "empty"), [("en", "empty (equal edges)"), ("zh", "空(分界值相等)")]
)
def test_ranges_mark_empty_scores(lang: str, empty: str) -> None:
    """A score between two equal edges (two customers who spent 12.50
    each) is marked empty in the ranges table, as ``ScoreEdges`` shows it,
    not written as the range ``> 12.5, ≤ 12.5`` no value is in."""
    page = _small_page(lang)
    rows = {r[0]: r[1:] for r in _ranges(page.html)}
    assert rows["5"][1:] == ["> 1", "> 12.5"]
    assert rows["1"][1:] == ["≤ 1", "≤ 12.5"]
    for s in "234":
        assert rows[s][1:] == [empty, empty]
    assert "12.5, ≤ 12.5" not in page.html


@FEW
@given(st.lists(st.integers(1, 4), min_size=2, max_size=12), st.booleans())
def test_ranges_are_empty_exactly_for_empty_scores(
    orders: list[int], better: bool
) -> None:
    """For any values, the report's ranges mark as empty exactly the
    scores the fitted edges leave empty, and write no range whose two ends
    are one number."""
    edges = custseg.rfm.quantile_edges(orders)
    empty = set(edges.empty_scores(higher_is_better=better))
    rows = reporting._score_rows(edges, better, np.asarray(orders, float), "en")
    for s, r in enumerate(rows, start=1):
        assert (r == "empty (equal edges)") == (s in empty)
        ends = re.fullmatch(r"(?:>|≥) (.*), (?:≤|<) (.*)", r)
        assert ends is None or ends.group(1) != ends.group(2)


@FEW
@given(
    st.lists(st.integers(0, 6).map(lambda c: c * 2.5), min_size=1, max_size=12),
    st.booleans(),
    st.integers(2, 6),
)
def test_zh_page_translates_every_edge_note(
    values: list[float], better: bool, bins: int
) -> None:
    """Every note on fitted edges (few customers, empty scores, scores
    nobody has) is written in Chinese on a zh page: no English word is left
    but the field's name and the rules' ``[scores]``."""
    x = np.asarray(values)
    edges = custseg.rfm.quantile_edges(x, bins)
    for note in custseg.rfm._edge_notes("monetary", x, edges, better):
        zh = reporting._diagnostic_zh(note)
        left = set(re.findall(r"[A-Za-z_]+", zh)) - {"monetary", "scores"}
        assert not left, (note, zh)


def test_zh_page_writes_the_edge_notes_in_chinese() -> None:
    listed = re.search(
        r'<ul class="diagnostics">(.*?)</ul>', _small_page("zh").html, re.S
    )
    assert listed is not None
    assert "customer" not in listed.group(1) and "unstable" not in listed.group(1)
    assert "分界值 (12.5, 12.5, 12.5, 12.5) 不稳定" in listed.group(1)
    # an English page: as it was
    assert "only 2 customers to fit 5 scores" in _small_page("en").html
