"""Audit 32, HTML report: findings of the thirty-second audit.

Each test covers the class of a finding (with hypothesis), then its worked
example.
"""

from __future__ import annotations

import functools
import html
import re
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import custseg
from custseg.datasets import simulate_transactions
from custseg.errors import CustsegWarning
from custseg.pareto import AbcCutoffs, AbcEdges


def _quiet(fn: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return fn(*args, **kwargs)


@functools.cache
def _shop(seed: int, n: int = 100) -> pd.DataFrame:
    tx = simulate_transactions(n, seed=seed)
    tx["customer_id"] = tx["customer_id"].map(lambda i: f"C{i:04d}")
    return tx


def _shop_copy(seed: int) -> pd.DataFrame:
    return _shop(seed).copy()


def _section(page_html: str, section: str) -> str:
    start = page_html.index(f'<section id="{section}"')
    return page_html[start : page_html.index("</section>", start)]


_WARNING = re.compile(r'<p class="warning" role="alert">(.*?)</p>', re.S)


# --------------------------------------------------------------------------
# 1. every warning about the whole run is on the migration section, not the
#    last one only


def _migration_page(
    seed: int, lower: int, blank: bool, renamed: bool, own_edges: bool, lang: str
) -> custseg.reporting.Report:
    tx = _shop_copy(seed)
    june = _quiet(
        custseg.segment,
        tx[tx["date"] < "2024-07-01"],
        preset="ecommerce",
        as_of="2024-07-01",
    )
    prev = june.customers.reset_index()
    if lower:  # ids typed in lower case: they match only once written alike
        ids = prev["customer_id"].astype(str)
        prev["customer_id"] = ids.where(
            np.arange(len(ids)) % lower != 0, ids.str.lower()
        )
    if blank:  # a class with a trailing blank: it reads as 'silent'
        prev["lifecycle"] = prev["lifecycle"].astype(str).replace("silent", "silent ")
    if renamed:  # no ABC class in common
        prev["abc"] = prev["abc"].astype(str).map({"A": "top", "B": "mid", "C": "low"})
    if own_edges:  # this run fits its own edges: they may differ from June's
        return _quiet(
            custseg.report,
            tx,
            preset="ecommerce",
            previous=prev,
            lang=lang,
            charts=False,
        )
    dec = _quiet(june.apply, tx, as_of="2025-01-01")
    return _quiet(custseg.report, dec, previous=prev, lang=lang, charts=False)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 30),
    lower=st.sampled_from([0, 2, 5]),
    blank=st.booleans(),
    renamed=st.booleans(),
    own_edges=st.booleans(),
    lang=st.sampled_from(["en", "en", "zh"]),
)
@example(seed=11, lower=4, blank=True, renamed=True, own_edges=True, lang="en")
@example(seed=11, lower=4, blank=False, renamed=False, own_edges=True, lang="zh")
def test_every_migration_warning_is_on_the_page(
    seed: int, lower: int, blank: bool, renamed: bool, own_edges: bool, lang: str
) -> None:
    """Every note of ``page.notes`` has its warning in the migration
    section, once: the ones about the whole run (ids written differently,
    edges that differ, classes read alike) as written, in English, and a
    column's (no class in common) above its table."""
    page = _migration_page(seed, lower, blank, renamed, own_edges, lang)
    part = _section(page.html, "migration")
    shown = [html.unescape(w) for w in _WARNING.findall(part)]
    notes = list(dict.fromkeys(page.notes))
    assert len(shown) == len(notes), (shown, notes)
    for note in notes:
        column = re.match(r"'(\w+)' has no class in common", note)
        if column is not None:  # at that column's table
            div = part[part.index(f'data-column="{column.group(1)}"') :]
            assert _WARNING.search(div[: div.index("</div>")])
        elif lang == "en":
            assert note in shown


def test_migration_warnings_worked_example() -> None:
    """The audit's example: 58 customers matched only once written alike,
    and edges fitted on each run's own data; both warnings are shown."""
    tx = simulate_transactions(300, seed=11)
    tx["customer_id"] = tx["customer_id"].map(lambda i: f"C{i:04d}")
    june = _quiet(
        custseg.segment,
        tx[tx["date"] < "2024-07-01"],
        preset="ecommerce",
        as_of="2024-07-01",
    )
    prev = june.customers.reset_index()
    prev.loc[::4, "customer_id"] = prev.loc[::4, "customer_id"].str.lower()
    page = _quiet(custseg.report, tx, preset="ecommerce", previous=prev, charts=False)
    shown = [html.unescape(w) for w in _WARNING.findall(page.html)]
    assert len(page.notes) == 2
    assert page.notes[0].startswith("58 customers of the previous run match one")
    assert page.notes[1].startswith("the two runs' score edges differ")
    assert shown == list(page.notes)


# --------------------------------------------------------------------------
# 2. the "edges" row says how the edges used were made: given (an earlier
#    run's, edges=), fixed by the rules, or fitted on these buyers

_EDGES_ROW = re.compile(
    r'<tfoot><tr><th scope="row">edges</th>'
    r"<td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr></tfoot>"
)
_SAID = {
    "fixed by the rules": "fixed",
    "quantiles of the buyers": "fitted",
    "given": "given",
}


def _edges_row(page_html: str) -> list[str]:
    found = _EDGES_ROW.search(page_html)
    assert found is not None
    return [_SAID[x] for x in found.groups()]


def _dims(edges: Any) -> tuple[Any, Any, Any]:
    return edges.recency, edges.frequency, edges.monetary


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 30),
    preset=st.sampled_from([None, "ecommerce"]),
    earlier=st.sampled_from([None, "ecommerce"]),
    how=st.sampled_from(
        ["fit", "report_fit", "edges", "report_edges", "apply", "apply_refit"]
    ),
)
@example(seed=2, preset=None, earlier=None, how="apply")
@example(seed=2, preset="ecommerce", earlier=None, how="report_edges")
def test_edges_row_says_how_the_edges_were_made(
    seed: int, preset: str | None, earlier: str | None, how: str
) -> None:
    """Per score: "fixed" only for the edges the rules fix, "quantiles of
    the buyers" only for the edges these buyers fit, else "given"; edges
    given to the report itself are "given" unless the rules fix them so."""
    tx = _shop_copy(seed)
    as_of = "2025-01-01"
    if how == "apply" or how == "apply_refit":
        earlier = preset  # apply() keeps the rules of the result
    june = _quiet(
        custseg.segment,
        tx[tx["date"] < "2024-07-01"],
        preset=earlier,
        as_of="2024-07-01",
    )
    given_edges = how in ("edges", "report_edges", "apply")
    if how == "fit":
        page = _quiet(
            custseg.report,
            _quiet(custseg.segment, tx, preset=preset, as_of=as_of),
            charts=False,
        )
    elif how == "report_fit":
        page = _quiet(custseg.report, tx, preset=preset, as_of=as_of, charts=False)
    elif how == "edges":
        res = _quiet(custseg.segment, tx, preset=preset, as_of=as_of, edges=june.edges)
        page = _quiet(custseg.report, res, charts=False)
    elif how == "report_edges":
        page = _quiet(
            custseg.report,
            tx,
            preset=preset,
            as_of=as_of,
            edges=june.edges,
            charts=False,
        )
    elif how == "apply":
        page = _quiet(custseg.report, _quiet(june.apply, tx, as_of=as_of), charts=False)
    else:
        res = _quiet(june.apply, tx, as_of=as_of, edges=None)
        page = _quiet(custseg.report, res, charts=False)
    used = _dims(page.result.edges)
    # the edges these buyers fit, and those the rules fix
    fitted = _dims(_quiet(custseg.segment, tx, preset=preset, as_of=as_of).edges)
    rs = page.result.rules
    fixed = [
        None
        if rs is None or rs.scores.get(k) is None or rs.scores[k].edges is None
        else custseg.ScoreEdges(rs.scores[k].edges)
        for k in "rfm"
    ]
    said = _edges_row(page.html)
    for i in range(3):
        if fixed[i] is not None and used[i] == fixed[i]:
            assert said[i] == "fixed"
        elif not given_edges:
            assert said[i] == "fitted"
        elif how == "report_edges" or used[i] != fitted[i]:
            assert said[i] == "given"
        else:  # edges given that are the quantiles of these buyers too
            assert said[i] in ("given", "fitted")


def test_edges_row_worked_example() -> None:
    """The audit's example: December scored on June's edges (apply, and
    edges=) says "given"; edges= over the ecommerce preset replaces its
    fixed recency edges, and says so."""
    tx = simulate_transactions(300, seed=2)
    june = _quiet(custseg.segment, tx[tx["date"] < "2024-07-01"], as_of="2024-07-01")
    dec = _quiet(june.apply, tx, as_of="2025-01-01")
    assert dec.edges == june.edges
    assert _edges_row(_quiet(custseg.report, dec, charts=False).html) == ["given"] * 3
    res = _quiet(custseg.segment, tx, as_of="2025-01-01", edges=june.edges)
    assert _edges_row(_quiet(custseg.report, res, charts=False).html) == ["given"] * 3
    page = _quiet(
        custseg.report,
        tx,
        preset="ecommerce",
        as_of="2025-01-01",
        edges=june.edges,
        charts=False,
    )
    assert page.result.edges.recency.cuts == (16.0, 57.0, 132.0, 303.0)
    assert _edges_row(page.html) == ["given"] * 3
    # the rules' own edges, and those fitted here, as before
    own = _quiet(custseg.report, tx, preset="ecommerce", charts=False)
    assert _edges_row(own.html) == ["fixed", "fitted", "fitted"]


# --------------------------------------------------------------------------
# 3. ABC by rank with customers from records=: the page tells the rank
#    cut-offs, as the edges were fitted so

_ABC = re.compile(r"<h3>ABC classes</h3><p>(.*?)</p>")


@settings(max_examples=30, deadline=None)
@given(
    amounts=st.lists(st.integers(1, 1000), min_size=1, max_size=12),
    extra=st.integers(0, 20),
    basis=st.sampled_from(["rank", "value"]),
    cut=st.sampled_from([(None, None), (0.1, 0.3), (0.3, 0.6)]),
    fixed=st.booleans(),
)
@example(
    amounts=[500, 400, 300, 200, 100],
    extra=15,
    basis="rank",
    cut=(None, None),
    fixed=False,
)
def test_abc_note_tells_the_cutoffs_of_fitted_edges(
    amounts: list[int],
    extra: int,
    basis: str,
    cut: tuple[float | None, float | None],
    fixed: bool,
) -> None:
    """The ABC line describes the classes by their cut-offs whenever the
    edges were fitted with them (on every customer of the page, those of
    the records at spend 0), and as fixed edges when they were given."""
    ids = [f"c{i}" for i in range(len(amounts))]
    tx = pd.DataFrame(
        {
            "customer_id": ids,
            "date": "2024-06-01",
            "amount": [float(a) for a in amounts],
        }
    )
    records = pd.DataFrame({"customer_id": [f"r{i}" for i in range(extra)]})
    a, b = cut
    cutoffs = AbcCutoffs(basis=basis) if a is None else AbcCutoffs(a, b, basis)
    options: dict[str, Any] = {"abc_cutoffs": cutoffs}
    if fixed:
        options = {"abc_edges": AbcEdges(a_min=250.5, b_min=50.5)}
    page = _quiet(
        custseg.report,
        tx,
        records=records if extra else None,
        as_of="2024-07-01",
        charts=False,
        **options,
    )
    line = html.unescape(_ABC.search(page.html).group(1))
    if fixed:
        assert line.startswith("Fixed edges")
    elif basis == "rank":
        assert line.startswith(f"A: the top {100 * cutoffs.a:g}% of the customers")
    else:
        assert line.startswith(f"A: the top customers up to {100 * cutoffs.a:g}%")


def test_abc_rank_with_records_worked_example() -> None:
    """The audit's example: 5 buyers and 15 customers from the records;
    A is the top 20% of the 20 customers (4)."""
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e"],
            "date": ["2024-06-01"] * 5,
            "amount": [500.0, 400.0, 300.0, 200.0, 100.0],
        }
    )
    records = pd.DataFrame({"customer_id": [f"r{i}" for i in range(15)]})
    page = _quiet(
        custseg.report,
        tx,
        records=records,
        as_of="2024-07-01",
        abc_cutoffs=AbcCutoffs(basis="rank"),
        charts=False,
    )
    assert _ABC.search(page.html).group(1) == (
        "A: the top 20% of the customers by revenue, B: the top 50%, C: the "
        "rest. A from 200.00, B from 100.00 per customer."
    )
    counts = page.result.customers["abc"].value_counts(sort=False).to_dict()
    assert counts == {"A": 4, "B": 1, "C": 15}


# --------------------------------------------------------------------------
# 4. the playbook table writes cadences and deadlines as the rules give
#    them, not rounded to whole days

_PLAYBOOK_RULES = """format = 1
extends = "ecommerce"

[playbook.lifecycle.silent]
action = "Twice a day"
channel = "app"
cadence_days = {cadence!r}
priority = 1

[playbook.lifecycle.lost]
action = "Win back"
channel = "phone"
cadence_days = {cadence2!r}
deadline_days = {deadline!r}
priority = 2
"""

_TX = simulate_transactions(120, seed=3)


def _playbook_cells(page_html: str) -> dict[str, list[str]]:
    start = page_html.index('id="playbook-lifecycle"')
    body = page_html[start : page_html.index("</table>", start)]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body)[1:]:
        cells = [
            html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        rows[cells[0]] = cells
    return rows


_DAYS = st.one_of(
    st.integers(1, 4000).map(lambda k: k / 4),
    st.integers(1, 2000).map(lambda k: k / 10),
    st.floats(0.001, 5000.0, allow_nan=False, allow_infinity=False),
)


def _read(text: str) -> float:
    return float(text.replace(",", ""))


@settings(max_examples=20, deadline=None)
@given(cadence=_DAYS, cadence2=_DAYS, deadline=_DAYS)
@example(cadence=0.5, cadence2=3.5, deadline=364.5)
def test_playbook_days_as_the_rules_give_them(
    cadence: float, cadence2: float, deadline: float
) -> None:
    """The cadence and deadline cells read back as the numbers of the rules."""
    rs = custseg.rules.loads(
        _PLAYBOOK_RULES.format(cadence=cadence, cadence2=cadence2, deadline=deadline)
    )
    page = _quiet(custseg.report, _TX, rules=rs, charts=False)
    rows = _playbook_cells(page.html)
    assert _read(rows["silent"][4]) == cadence
    assert _read(rows["lost"][4]) == cadence2
    assert _read(rows["lost"][6]) == deadline
    # whole days as before, without decimals
    assert rows["active"][4] == "30"


def test_playbook_days_worked_example() -> None:
    """The audit's example: 0.5, 3.5 and 364.5 days, not 1, 4 and 365."""
    rs = custseg.rules.loads(
        _PLAYBOOK_RULES.format(cadence=0.5, cadence2=3.5, deadline=364.5)
    )
    page = _quiet(
        custseg.report, simulate_transactions(500, seed=3), rules=rs, charts=False
    )
    rows = _playbook_cells(page.html)
    assert rows["silent"][3:7] == ["app", "0.5", "1", "–"]
    assert rows["lost"][3:7] == ["phone", "3.5", "2", "364.5"]
    assert rows["active"][3:7] == ["wechat", "30", "3", "–"]


@pytest.mark.parametrize("days", [1095.0, 1095.5])
def test_playbook_days_keep_thousands_apart(days: float) -> None:
    """A deadline of three years reads 1,095 (as every figure of the page)."""
    rs = custseg.rules.loads(
        _PLAYBOOK_RULES.format(cadence=1, cadence2=2, deadline=days)
    )
    page = _quiet(custseg.report, _TX, rules=rs, charts=False)
    assert _playbook_cells(page.html)["lost"][6] == f"{days:,g}"
