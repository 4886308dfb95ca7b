"""Audit 29, report and plots: findings of the twenty-ninth audit.

Each test covers the class of a finding (with hypothesis), then its worked
example.
"""

from __future__ import annotations

import contextlib
import decimal
import html
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
from custseg.cli import main
from custseg.errors import CustsegWarning
from custseg.reporting import Report

AS_OF = pd.Timestamp("2024-07-01")


def _quiet(fn: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return fn(*args, **kwargs)


def _days_ago(days: list[int]) -> list[str]:
    return [(AS_OF - pd.Timedelta(days=d)).strftime("%Y-%m-%d") for d in days]


# --------------------------------------------------------------------------
# 1. the lifecycle windows table states the rule the lifecycle column follows


def _windows_part(page_html: str) -> str:
    """The page's lifecycle windows part: its heading to the next heading."""
    start = page_html.index("<h3>Lifecycle windows")
    return page_html[start : page_html.index("<h3>", start + 4)]


def _windows_rows(part: str) -> dict[str, str]:
    rows = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', part)
    return {html.unescape(k): html.unescape(v) for k, v in rows}


def _within(x: float, text: str) -> bool:
    """Whether *x* lies in the interval *text* (``[0, 90)``, ``(90, 180]``,
    ``≥ 365``, ``> 365``, ``< 5``, ``≤ 5``)."""
    one = re.fullmatch(r"(≥|>|<|≤) (-?[\d.,]+)", text)
    if one:
        op, edge = one.group(1), float(one.group(2).replace(",", ""))
        return {"≥": x >= edge, ">": x > edge, "<": x < edge, "≤": x <= edge}[op]
    two = re.fullmatch(r"([\[(])(-?[\d.,]+), (-?[\d.,]+)([\])])", text)
    assert two, text
    lo, hi = (float(two.group(k).replace(",", "")) for k in (2, 3))
    above = x >= lo if two.group(1) == "[" else x > lo
    below = x <= hi if two.group(4) == "]" else x < hi
    return above and below


def _table_rules(tmp: Path, field: str, breaks: list[int], closed: str) -> str:
    labels = ", ".join(f'"s{i}"' for i in range(len(breaks) + 1))
    path = tmp / f"stages_{field}_{closed}_{'_'.join(map(str, breaks))}.toml"
    path.write_text(
        f'format = 1\nname = "stages"\n[fields]\n{field} = {{ type = "number", '
        f"missing = true }}\n[tables.lifecycle]\nfield = {field!r}\n"
        f"breaks = {breaks}\nlabels = [{labels}]\nclosed = {closed!r}\n"
        'missing = "none"\n'.replace("'", '"'),
        encoding="utf-8",
    )
    return str(path)


@settings(max_examples=25, deadline=None)
@given(
    field=st.sampled_from(["tenure_days", "frequency", "monetary", "recency_days"]),
    breaks=st.lists(st.integers(-20, 400), min_size=1, max_size=3, unique=True).map(
        sorted
    ),
    closed=st.sampled_from(["left", "right"]),
    customers=st.lists(
        st.lists(
            st.tuples(st.integers(0, 500), st.integers(-30, 60)), min_size=1, max_size=4
        ),
        min_size=1,
        max_size=6,
    ),
)
@example(
    field="tenure_days",
    breaks=[90, 365],
    closed="left",
    customers=[[(546, 10), (10, 20)], [(29, 5)]],
)
def test_windows_name_the_field_the_lifecycle_table_reads(
    tmp_path_factory: pytest.TempPathFactory,
    field: str,
    breaks: list[int],
    closed: str,
    customers: list[list[tuple[int, int]]],
) -> None:
    """A rules [tables.lifecycle] on another field (tenure, orders, spend)
    was shown as windows of days since the last purchase. The heading names
    the field the table reads, and every customer's value of that field lies
    in the window the page states for their stage."""
    path = _table_rules(tmp_path_factory.mktemp("rules"), field, breaks, closed)
    ids, days, amounts = ["buyer"], [5], [10.0]  # someone to fit the scores on
    for i, rows in enumerate(customers):
        for d, amount in rows:
            ids.append(f"c{i}")
            days.append(d)
            amounts.append(float(amount))
    tx = pd.DataFrame({"customer_id": ids, "date": _days_ago(days), "amount": amounts})
    page = _quiet(custseg.report, tx, rules=path, as_of=AS_OF, charts=False)
    part = _windows_part(page.html)
    heading = html.unescape(re.search(r"<h3>(.*?)</h3>", part).group(1))
    if field == "recency_days":
        assert heading == "Lifecycle windows (days since the last purchase)"
    else:
        assert heading == f"Lifecycle windows ({field})"
    table = _windows_rows(part)
    assert list(table) == [f"s{i}" for i in range(len(breaks) + 1)]
    seg = page.result.customers
    for value, stage in zip(seg[field], seg["lifecycle"], strict=True):
        if pd.isna(value):
            assert stage == "none"
            continue
        inside = [k for k, text in table.items() if _within(float(value), text)]
        assert inside == [stage], (field, value, stage, table)


def test_windows_worked_example(tmp_path: Path) -> None:
    """The report's case: a lifecycle by tenure, customer a 10 days since
    the last purchase and 546 since the first, is 'mature' (≥ 365 of
    tenure), not of the windows of days since the last purchase."""
    path = tmp_path / "tenure.toml"
    path.write_text(
        'format = 1\nname = "tenure-stages"\n[fields]\ntenure_days = { type = '
        '"number", min = 0, missing = true }\n[tables.lifecycle]\nfield = '
        '"tenure_days"\nbreaks = [90, 365]\nlabels = ["new", "growing", "mature"]\n'
        'missing = "no_purchase"\n',
        encoding="utf-8",
    )
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "date": ["2023-01-01", "2024-06-20", "2024-06-01"],
            "amount": [10.0, 20.0, 5.0],
        }
    )
    page = _quiet(custseg.report, tx, rules=str(path), as_of="2024-06-30", charts=False)
    part = _windows_part(page.html)
    assert "<h3>Lifecycle windows (tenure_days)</h3>" in part
    assert "days since the last purchase" not in part
    assert '<th scope="col">tenure_<wbr>days</th>' in part  # <wbr>: audit 41
    assert _windows_rows(part) == {
        "new": "< 90",
        "growing": "[90, 365)",
        "mature": "≥ 365",
    }
    assert page.result.customers.loc["a", "lifecycle"] == "mature"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_lifecycle_segmentation_gets_no_windows(tmp_path: Path, lang: str) -> None:
    """Rules with a [segments.lifecycle] (regular, casual) got the default
    windows, active [0, 90) to lost ≥ 270, which no customer's label
    follows: now a line says the rules' segmentation made the column."""
    path = tmp_path / "life3.toml"
    path.write_text(
        'format = 1\nname = "seg-lifecycle"\n[fields]\nfrequency = { type = '
        '"integer", min = 0 }\n[segments.lifecycle]\ndefault = "casual"\n'
        'rules = [ { label = "regular", when = "frequency >= 5" } ]\n',
        encoding="utf-8",
    )
    tx = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": "2024-06-01", "amount": [1.0, 2.0]}
    )
    page = _quiet(
        custseg.report, tx, rules=str(path), as_of=AS_OF, charts=False, lang=lang
    )
    heading = "生命周期窗口" if lang == "zh" else "Lifecycle windows"
    start = page.html.index(f"<h3>{heading}")
    part = page.html[start : page.html.index("<h3>", start + 4)]
    assert "<table" not in part and "[0, 90)" not in part
    assert "lifecycle" in html.unescape(part)
    if lang == "en":
        assert f"<h3>{heading}</h3>" in part
        assert "segmentation 'lifecycle'" in html.unescape(part)
    assert set(page.result.customers["lifecycle"]) == {"casual"}


# --------------------------------------------------------------------------
# 2. repr(page) and the notebook's page never raise on a lone surrogate


_ANY_TEXT = st.text(
    st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=20
)


@settings(max_examples=40, deadline=None)
@given(body=_ANY_TEXT, title=_ANY_TEXT)
@example(body="<td>bo\udc80</td>", title="t")
def test_repr_never_raises(body: str, title: str) -> None:
    """``repr(page)`` measured the page with ``encode("utf-8")``, which a
    lone surrogate (a byte that was not UTF-8) made raise; the notebook's
    ``_repr_html_`` handed the surrogate to a front-end that cannot send
    it. Both now work on any text, the HTML form with the surrogate as
    its code point, in UTF-8 a notebook can send."""
    page = Report(f"<!DOCTYPE html><p>{body}</p>", ("inputs",), title)
    text = repr(page)
    assert text.startswith("Report(") and text.endswith(" kB)")
    shown = page._repr_html_()
    shown.encode("utf-8")  # no surrogate left
    for ch in {c for c in body + title if 0xD800 <= ord(c) <= 0xDFFF}:
        assert f"\\u{ord(ch):04x}" in shown


def test_repr_worked_example() -> None:
    """The report's case: an owner 'bo\\udc80' from surrogateescape."""
    tx = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": "2024-06-01", "amount": [1.0, 2.0]}
    )
    owner = b"bo\x80".decode("utf-8", "surrogateescape")
    records = pd.DataFrame(
        {"customer_id": ["a", "b"], "owner": [owner, "amy"]}, dtype=object
    )
    page = _quiet(custseg.report, tx, records=records, as_of=AS_OF, charts=False)
    assert re.fullmatch(r"Report\('Customer segmentation report', .* kB\)", repr(page))
    assert "bo\\udc80" in page._repr_html_()


# --------------------------------------------------------------------------
# 3. means of money at the places the data needs, never 0.00 when not 0


def _cells(page_html: str, table_id: str) -> list[tuple[str, float]]:
    """The numeric cells of a table: (text, the value it sorts by)."""
    start = page_html.index(f'id="{table_id}"')
    body = page_html[start : page_html.index("</table>", start)]
    found = re.findall(r'<td class="num" data-value="([^"]*)">([^<]*)</td>', body)
    return [(text, float(value) if value else np.nan) for value, text in found]


def _check_mean(text: str, value: float, places: int) -> None:
    """*text* writes the mean *value* rounded at the places it shows: those
    of the amounts (*places*), more only for a mean below their last, and
    never 0 for a mean other than 0."""
    shown = decimal.Decimal(text.replace(",", ""))
    digits = -shown.as_tuple().exponent
    if abs(value) >= 10.0**-places:
        assert digits == places, (text, value, places)
    assert (shown == 0) == (value == 0), (text, value)
    exact = decimal.Decimal(repr(value))
    assert abs(shown - exact) <= decimal.Decimal(5).scaleb(-digits - 1), (text, value)


@settings(max_examples=30, deadline=None)
@given(
    places=st.integers(0, 5),
    units=st.lists(
        st.lists(st.integers(1, 60), min_size=1, max_size=4), min_size=1, max_size=6
    ),
)
@example(places=3, units=[[4, 2], [3]])
def test_means_of_money_never_read_zero(places: int, units: list[list[int]]) -> None:
    """Average order and mean spend (per class and in the R x F table) were
    written at two places: amounts of 0.004 read 0.00 beside a revenue of
    0.009. A mean is written at the places of the amounts (two at least),
    and one below their last with its first digits: never 0.00."""
    ids, amounts = [], []
    for i, rows in enumerate(units):
        for u in rows:
            ids.append(f"c{i}")
            amounts.append(u / 10**places)
    tx = pd.DataFrame(
        {"customer_id": ids, "date": _days_ago([1] * len(ids)), "amount": amounts}
    )
    page = _quiet(custseg.report, tx, as_of=AS_OF, charts=False)
    # the places of the customers' spends: 0.010 and 0.020 are in cents
    sums = [sum(rows) for rows in units]
    data = min(
        k for k in range(places + 1) if all(u % 10 ** (places - k) == 0 for u in sums)
    )
    want = max(2, data)
    for table_id in ("summary-lifecycle", "summary-abc"):
        cells = _cells(page.html, table_id)
        for row in range(0, len(cells), 9):  # 9 numeric cells a row
            for col in (5, 8):  # avg order, mean spend
                text, value = cells[row + col]
                if text != "–":
                    _check_mean(text, value, want)
    for text, value in _cells(page.html, "rf-monetary"):
        if text != "–":
            _check_mean(text, value, want)


def test_means_worked_example() -> None:
    """The report's case: avg order 0.003 and mean spend 0.0045 read 0.00."""
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "date": ["2024-06-01", "2024-06-02", "2024-06-03"],
            "amount": [0.004, 0.002, 0.003],
        }
    )
    page = _quiet(custseg.report, tx, as_of="2024-06-30", charts=False)
    row = [t for t, _ in _cells(page.html, "summary-lifecycle")[:9]]
    assert row == ["2", "100.0%", "3", "0.009", "100.0%", "0.003", "28", "1.5", "0.005"]
    means = [t for t, _ in _cells(page.html, "rf-monetary") if t != "–"]
    assert means == ["0.003", "0.006"]
    # amounts in cents: a mean below a cent with its first two digits
    assert _display.mean_money(0.01 / 3, 2) == "0.0033"
    assert _display.mean_money(1234.5678, 2) == "1,234.57"


@settings(max_examples=20, deadline=None)
@given(
    places=st.integers(0, 6),
    values=st.lists(st.integers(-50, 5000), min_size=4, max_size=12),
)
@example(places=3, values=[4, 6, 3, 200])
def test_heatmap_means_never_read_zero(places: int, values: list[int]) -> None:
    """The heat map's cells wrote each mean at 0 places: 0.003 read 0. A
    mean of 1 or more is written in whole units as before, a smaller one as
    the tables write it (never 0 unless it is 0), compact or not."""
    pytest.importorskip("matplotlib")
    from custseg import plot

    monetary = np.array(values, dtype=np.float64) / 10**places
    n = len(monetary)
    scores = custseg.rfm_scores(
        np.arange(n, dtype=np.float64), np.arange(n) % 3 + 1, monetary, bins=2
    )
    ax = plot.rf_heatmap(scores, monetary, value="monetary")
    grid = np.ma.filled(ax.images[0].get_array(), np.nan)
    for t in ax.texts:
        j, i = (round(c) for c in t.get_position())
        mean, text = float(grid[i, j]), t.get_text()
        if not text:
            continue
        shown = float(text.replace(",", ""))
        assert (shown == 0) == (mean == 0), (text, mean)
        if mean and abs(mean) < 1:
            assert np.sign(shown) == np.sign(mean)
            assert abs(shown - mean) <= 0.5 * abs(mean), (text, mean)
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


@settings(max_examples=40, deadline=None)
@given(x=st.floats(-1e6, 1e6, allow_nan=False), places=st.integers(0, 6))
@example(x=0.004, places=2)
@example(x=0.0045, places=3)
def test_money_means_and_compact_never_read_zero(x: float, places: int) -> None:
    """The one writer of means of money: at *places*, never 0 when not 0,
    and rounded at the places it shows; the heat map's compact form keeps
    a small value other than 0 too."""
    text = _display.mean_money(x, places)
    _check_mean(text, x, places)
    short = _display.compact(x)
    assert (float(short.replace(",", "")) == 0) == (x == 0), (short, x)


# --------------------------------------------------------------------------
# 4. shares rounded one by one: a note when the shown ones do not add up


def _share_read(text: str) -> decimal.Decimal:
    """A shown share as the number it rounds to (``<0.1%`` is 0.0)."""
    text = html.unescape(text)
    read = {"<0.1%": "0.0", ">99.9%": "100.0"}.get(text, text.rstrip("%"))
    return decimal.Decimal(read)


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=25),
    spend=st.lists(st.integers(1, 999), min_size=25, max_size=25),
)
@example(sizes=[1, 1, 1], spend=[10] * 25)
@example(sizes=[1940] + [3] * 20, spend=[10] * 25)
def test_shares_note_when_the_shown_shares_do_not_add_up(
    sizes: list[int], spend: list[int]
) -> None:
    """Shares rounded one by one added up to 101.0% (or 99.9%) under a
    Total row of 100.0%, with nothing said. A note under the table says
    so, exactly when the shown shares of a column do not add up to its
    total."""
    owners = [f"o{j:02d}" for j, k in enumerate(sizes) for _ in range(k)]
    ids = [f"c{i:05d}" for i in range(len(owners))]
    amounts = [spend[int(o[1:])] / 10 for o in owners]
    tx = pd.DataFrame({"customer_id": ids, "date": "2024-06-01", "amount": amounts})
    records = pd.DataFrame({"customer_id": ids, "owner": owners})
    page = _quiet(custseg.report, tx, records=records, as_of=AS_OF, charts=False)
    start = page.html.index('id="summary-owner"')
    part = page.html[start : page.html.index("</section>", start)]
    apart = False
    for col in (1, 4):  # customer share, revenue share
        body, foot = part.split("<tfoot>")
        rows = re.findall(r"<tr>(.*?)</tr>", body)[1:]  # not the header
        cell = r'<td class="num" data-value="[^"]*">([^<]*)</td>'
        shown = [re.findall(cell, r)[col] for r in rows]
        total = re.findall(cell, foot)[col]
        assert len(shown) == len(sizes) and total == "100.0%"
        apart |= sum(map(_share_read, shown)) != _share_read(total)
    note = "Each share is rounded on its own" in part
    assert note == apart, part


def test_shares_worked_example() -> None:
    """The report's case: 1,940 customers of one owner and twenty owners
    of 3 (0.15% each, shown 0.2%): 101.0% under a Total of 100.0%."""
    ids = [f"c{i:04d}" for i in range(2000)]
    tx = pd.DataFrame({"customer_id": ids, "date": "2024-06-01", "amount": 10.0})
    owners = ["big"] * 1940 + [f"o{j:02d}" for j in range(20) for _ in range(3)]
    rec = pd.DataFrame({"customer_id": ids, "owner": owners})
    page = _quiet(custseg.report, tx, records=rec, as_of="2024-07-01", charts=False)
    start = page.html.index('id="summary-owner"')
    part = page.html[start : page.html.index("</section>", start)]
    assert (
        "Each share is rounded on its own, so the shares shown may not add up "
        "to the total&#x27;s 100.0%." in part
    )
    # one owner: 100.0% is 100.0%, no note
    page = _quiet(
        custseg.report,
        tx,
        records=rec.assign(owner="big"),
        as_of="2024-07-01",
        charts=False,
    )
    assert "rounded on its own" not in page.html


# --------------------------------------------------------------------------
# 5. the command line names --title


@settings(max_examples=20, deadline=None)
@given(title=st.text(st.sampled_from(" \t\n\u3000"), max_size=4))
@example(title="")
def test_cli_names_the_title_option(
    tmp_path_factory: pytest.TempPathFactory, title: str
) -> None:
    """A blank --title was refused as 'title' (the Python parameter), with
    'leave it out': the message names --title, as typed."""
    folder = tmp_path_factory.mktemp("title")
    (folder / "tx.csv").write_text(
        "customer_id,date,amount\na,2024-06-01,10\n", encoding="utf-8"
    )
    err = _stderr(
        ["report", "tx.csv", "--as-of", "2024-07-01", "--title", title], folder
    )
    assert (
        f"custseg: error: --title must name the page: got {title!r}; leave "
        "--title out for the default title" in err
    )
    assert "'title'" not in err
    assert not (folder / "custseg-report.html").exists()


def _stderr(argv: list[str], folder: Path) -> str:
    import io

    err = io.StringIO()
    with contextlib.chdir(folder), contextlib.redirect_stderr(err):
        status = main(argv)
    assert status == 2
    return err.getvalue()


def test_title_worked_example(tmp_path: Path) -> None:
    """The report's case, and the Python parameter's own message."""
    (tmp_path / "tx.csv").write_text(
        "customer_id,date,amount\na,2024-06-01,10\n", encoding="utf-8"
    )
    err = _stderr(
        ["report", "tx.csv", "--preset", "ecommerce", "--title", ""], tmp_path
    )
    assert err.strip().endswith(
        "custseg: error: --title must name the page: got ''; leave --title out "
        "for the default title"
    )
    from custseg.errors import ThresholdError

    tx = pd.DataFrame({"customer_id": ["a"], "date": "2024-06-01", "amount": 1.0})
    with pytest.raises(ThresholdError, match="'title' must name the page"):
        custseg.report(tx, title=" ", charts=False)
