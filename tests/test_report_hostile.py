"""Hostile inputs for the HTML report (custseg.report, custseg report) and
custseg.plot: injected markup, mathtext in names, numbers on odd data,
misaligned inputs, bad output paths, and the page in a real browser."""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shutil
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from custseg import cli, rules, segment_summary, transition_matrix
from custseg.errors import InputError
from custseg.reporting import report

HAS_MPL = importlib.util.find_spec("matplotlib") is not None
needs_mpl = pytest.mark.skipif(not HAS_MPL, reason="matplotlib is not installed")

ATTACKS = [
    "<script>alert(1)</script>",
    "</style><b>x</b>",
    '"><img src=x onerror=alert(2)>',
    "]]></svg><script>alert(3)</script>",
    "</script>",
    "&amp;&lt;",
    "' onmouseover='alert(4)",
    "<!-- x -->",
    "$5 to $10",
    "$\\frac$",
]

# any text, with markup and TeX pieces; not \r and \0, which an HTML parser
# rewrites (to \n and U+FFFD) however they are written
_CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\r\x00")
hostile_text = st.one_of(
    st.sampled_from(ATTACKS),
    st.lists(
        st.one_of(st.sampled_from(["<", ">", "&", '"', "'", "]]>", "$", "\\"]), _CHARS),
        min_size=1,
        max_size=12,
    ).map("".join),
)


class _Page(HTMLParser):
    """Elements (tag, attribute names) and the text of every element."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[str, ...]]] = []
        self.stack: list[list[Any]] = []
        self.done: list[tuple[str, dict[str, str | None], str]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, tuple(sorted(a for a, _ in attrs))))
        if tag in ("meta", "br", "img", "input", "link", "hr", "col", "wbr"):
            return
        self.stack.append([tag, dict(attrs), []])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, tuple(sorted(a for a, _ in attrs))))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, attrs, text = self.stack.pop()
            joined = "".join(text)
            self.done.append((name, attrs, joined))
            if self.stack:
                self.stack[-1][2].append(joined)
            if name == tag:
                return

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.stack[-1][2].append(data)

    def texts(self, tag: str) -> list[str]:
        return [text for name, _, text in self.done if name == tag]


def _tags(page: _Page) -> set[str]:
    return {tag for tag, _ in page.elements}


def _no_injection(page: _Page, allowed: set[str]) -> None:
    assert _tags(page) <= allowed, _tags(page) - allowed
    assert sum(tag == "script" for tag, _ in page.elements) == 1
    events = [(t, a) for t, names in page.elements for a in names if a.startswith("on")]
    assert not events


def _tx(n: int = 15, seed: int = 2) -> pd.DataFrame:
    from custseg.datasets import simulate_transactions

    return simulate_transactions(n, seed=seed)


def _with_owners(tx: pd.DataFrame, owners: list[str]) -> pd.DataFrame:
    ids = tx["customer_id"].unique()
    return pd.DataFrame(
        {
            "customer_id": ids,
            "owner": [owners[i % len(owners)] for i in range(len(ids))],
        }
    )


def _quiet(fn: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.errors.CustsegWarning)
        return fn(*args, **kwargs)


def _svg_texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]


_BASE_TX = _tx()
_BASELINE = _Page(
    _quiet(
        report, _BASE_TX, records=_with_owners(_BASE_TX, ["a", "b"]), charts=False
    ).html
)
_ALLOWED = _tags(_BASELINE)


# --------------------------------------------------------------------------
# injected markup


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    owners=st.lists(hostile_text, min_size=1, max_size=3),
    title=hostile_text.filter(str.strip),
)
def test_any_text_is_shown_as_text_never_as_markup(
    owners: list[str], title: str
) -> None:
    """Owner (class) names and the title of any text (not blank): shown
    exactly, control characters as their code points (a NUL is a parse
    error in HTML; in a name, tabs and line breaks too), no new element."""

    page = _quiet(
        report,
        _BASE_TX,
        records=_with_owners(_BASE_TX, owners),
        title=title,
        charts=False,
    )
    parsed = _Page(page.html)
    _no_injection(parsed, _ALLOWED)
    from custseg import _display

    # control and invisible characters as code points (in the title, tabs
    # and line breaks as they are), and in the tables' names the blanks a
    # browser hides (as the page shows them)
    shown_title = _display.shown_invisible(
        _display.shown_controls(title, keep="\t\n\r")
    )
    assert parsed.texts("title") == [shown_title]
    assert parsed.texts("h1") == [shown_title]
    names = {
        _display.shown_name(str(x))
        for x in page.result.customers["owner"].dropna().unique()
    }
    section = _Page(page.html[page.html.index('<section id="ownership"') :])
    shown = {
        text
        for name, attrs, text in section.done
        if name == "th" and attrs.get("scope") == "row"
    }
    assert names <= shown


@pytest.mark.parametrize(
    ("lang", "owners"),
    [
        ("en", ["A", "Total"]),
        ("en", ["Total", "(Total)"]),
        ("zh", ["合计", "B"]),
        ("en", ["missing", "Total"]),
    ],
)
def test_a_class_named_like_the_total_row_stays_a_class(
    lang: str, owners: list[str]
) -> None:
    """A class called "Total" (合计) or "missing", with customers who have no
    class: body rows, then a row of the classless, then the real total row."""
    records = _with_owners(_BASE_TX, owners).iloc[:-2]  # two without an owner
    page = _quiet(report, _BASE_TX, records=records, lang=lang, charts=False)
    start = page.html.index('id="summary-owner"')
    table = page.html[start : page.html.index("</table>", start)]
    body, foot = table.split("<tfoot>")
    shown = re.findall(r'<th scope="row">([^<]*)</th>', body)
    assert shown[:-1] == sorted(owners) and shown[-1] not in owners
    totals = re.findall(
        r'<th scope="row">([^<]*)</th><td class="num" data-value="([^"]*)"', foot
    )
    assert len(totals) == 1 and totals[0][0] not in owners
    assert float(totals[0][1]) == len(page.result.customers)


@needs_mpl
def test_a_class_per_customer_gets_its_table_but_no_chart() -> None:
    """An owner per customer (more classes than a chart shows): every class in
    the table, a note instead of a chart as heavy as the customers."""
    from custseg.reporting import MAX_CHART_CLASSES

    tx = _tx(MAX_CHART_CLASSES + 1, seed=4)
    owners = [f"owner {i}" for i in range(MAX_CHART_CLASSES + 1)]
    page = _quiet(report, tx, records=_with_owners(tx, owners))
    start = page.html.index('<section id="ownership"')
    section = page.html[start : page.html.index("</section>", start)]
    assert "<svg" not in section and "chart-missing" in section
    assert section.count('<th scope="row">owner ') == len(owners)
    assert "<svg" in page.html[page.html.index('<section id="lifecycle"') :]


def _hostile_rules() -> Any:
    q = json.dumps
    a, b = ATTACKS[0], ATTACKS[2] + ATTACKS[9]
    text = (
        f'format = 1\nextends = "ecommerce"\nname = {q("n" + a)}\n'
        f"description = {q('d' + b)}\n"
        f"[segments.kind]\ndefault = {q(a)}\n"
        f'rules = [{{ label = {q(b)}, when = "frequency >= 2" }}]\n'
        f"[playbook.kind.{q(b)}]\naction = {q('act' + a)}\n"
        f"channel = {q('ch' + b)}\npriority = 1\n"
    )
    return rules.loads(text), a, b


@needs_mpl
def test_rules_texts_and_charts_with_markup_and_tex() -> None:
    """Class names, description and playbook texts with markup and TeX: text in
    the tables and in the charts' SVG, never markup, never a crash."""
    rs, a, b = _hostile_rules()
    page = _quiet(report, _tx(40, seed=3), rules=rs, title=a)
    parsed = _Page(page.html)
    plain = _Page(_quiet(report, _tx(40, seed=3), preset="ecommerce").html)
    _no_injection(parsed, _tags(plain))
    cells = set(parsed.texts("th")) | set(parsed.texts("td"))
    assert {a, b, "n" + a, "d" + b, "act" + a, "ch" + b} <= cells
    start = page.html.index('data-column="kind"')
    svg = page.html[start : page.html.index("</svg>", start)]
    assert {a, b} <= set(_svg_texts(svg))


# --------------------------------------------------------------------------
# mathtext in the plots


@needs_mpl
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(hostile_text, min_size=1, max_size=3, unique=True))
def test_plot_names_are_drawn_as_typed(names: list[str]) -> None:
    """Class names with $, \\, ^, _ or markup: drawn as typed (line by line),
    never as TeX."""
    from custseg import plot

    labels = custseg.Labels(
        np.arange(len(names)) % len(names), tuple(names), name=names[0]
    )
    ax = plot.label_counts(labels, title=names[-1])
    # names drawn as the report shows them (a line break, invisible
    # characters and hidden blanks as code points), a long one wrapped
    from custseg import _display

    ticks = [t.get_text() for t in ax.get_yticklabels()]
    for name, text in zip(names, ticks, strict=True):
        shown = _display.shown_name(name, surrogates=True)
        assert "".join(text.split()) == "".join(shown.split()) or text.endswith("…")
    # every line drawn is written as drawn, the title's too (its line breaks
    # kept, its invisible characters as code points before it was wrapped)
    assert not any(c in ax.get_title() for c in "\u200b\u202e\ufeff")
    lines = {
        line.strip()
        for text in [*ticks, ax.get_title()]
        for line in text.split("\n")
        if line.strip()
    }
    svg = plot.to_svg(ax)
    assert lines <= {t.strip() for t in _svg_texts(svg)}


@needs_mpl
def test_transition_heatmap_names_are_not_tex() -> None:
    """A migration between classes named like TeX: drawn, with the names as typed."""
    from custseg import plot

    before = pd.Series(["$a$", "$\\frac$", "$a$"], index=[1, 2, 3])
    after = pd.Series(["$\\frac$", "$a$", "$a$"], index=[1, 2, 3])
    svg = plot.to_svg(plot.transition_heatmap(transition_matrix(before, after)))
    assert {"$a$", "$\\frac$"} <= set(_svg_texts(svg))


# --------------------------------------------------------------------------
# numbers on hostile data


def _table_values(page_html: str, table_id: str) -> list[list[float]]:
    start = page_html.index(f'id="{table_id}"')
    body = page_html[start : page_html.index("</tbody>", start)]
    rows = re.findall(r"<tr>(.*?)</tr>", body)[1:]
    return [
        [float(x) if x else np.nan for x in re.findall(r'data-value="([^"]*)"', row)]
        for row in rows
    ]


_pool_ids = st.sampled_from(["00001", "1", "01", "a", "A", " a", "客户"])
_pool_amounts = st.sampled_from([-5.0, -0.01, 0.0, 0.0, 10.0, 10.0, 99.99, 1e9])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(_pool_ids, _pool_amounts, st.integers(0, 400)),
        min_size=1,
        max_size=25,
    )
)
def test_report_numbers_equal_the_library_functions(
    rows: list[tuple[str, float, int]],
) -> None:
    """Refunds, zeros, ties, look-alike ids: the tables equal segment_summary and
    pareto_summary, one customer per distinct id text."""
    tx = pd.DataFrame(
        {
            "customer_id": pd.array([r[0] for r in rows], dtype="str"),
            "date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta([r[2] for r in rows], unit="D"),
            "amount": [r[1] for r in rows],
        }
    )
    try:
        page = _quiet(report, tx, charts=False, as_of="2025-06-01")
    except InputError:  # all refunds: segment() refuses it the same way
        with pytest.raises(InputError):
            _quiet(custseg.segment, tx, as_of="2025-06-01")
        return
    seg = page.result.customers
    assert sorted(seg.index.astype(str)) == sorted({r[0] for r in rows})
    expected = segment_summary(seg["lifecycle"], seg, total=None)
    got = np.array(_table_values(page.html, "summary-lifecycle"))
    columns = [
        "customers",
        "customer_share",
        "orders",
        "revenue",
        "revenue_share",
        "avg_order_value",
        "recency_median",
        "frequency_mean",
        "monetary_mean",
    ]
    want = expected[columns].to_numpy(dtype=np.float64, na_value=np.nan)
    np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)
    # every customer of the page (as the other tables), spend 0 without a purchase
    monetary = page.result.customers["monetary"].to_numpy(dtype=np.float64)
    if (monetary > 0).any():
        p = custseg.pareto_summary(monetary)
        figures = [x[0] for x in _table_values(page.html, "pareto-figures")]
        np.testing.assert_allclose(
            figures,
            [
                p.customers_for_value_share,
                p.value_of_top_customers,
                p.gini,
                p.n_nonpositive,
            ],
            rtol=1e-9,
        )
    else:
        assert 'id="pareto-figures"' not in page.html


def _inputs_counts(page_html: str) -> dict[str, float]:
    start = page_html.index('<section id="inputs"')
    table = page_html[start : page_html.index("</table>", start)]
    found = re.findall(
        r'<th scope="row">([^<]*)</th><td class="num" data-value="([^"]*)"', table
    )
    return {html.unescape(k): float(x) for k, x in found}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(st.sampled_from("abcde"), st.sampled_from([-5.0, 0.0, 0.0, 7.0])),
        min_size=1,
        max_size=15,
    )
)
def test_customers_without_a_purchase_are_counted_by_cause(
    rows: list[tuple[str, float]],
) -> None:
    """zero_amount='ignore': refund-only and zero-only customers are counted
    apart, and with the buyers they make up every customer."""
    tx = pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(range(len(rows)), "D"),
            "amount": [r[1] for r in rows],
        }
    )
    try:
        page = _quiet(
            report, tx, charts=False, as_of="2025-01-01", zero_amount="ignore"
        )
    except InputError:  # nobody bought anything: segment() refuses it too
        with pytest.raises(InputError):
            _quiet(custseg.segment, tx, as_of="2025-01-01", zero_amount="ignore")
        return
    by = tx.groupby("customer_id")["amount"]
    buyers = int((by.max() > 0).sum())
    refunds = int(((by.max() <= 0) & (by.min() < 0)).sum())
    zeros = int((by.max() == 0).sum() - ((by.max() == 0) & (by.min() < 0)).sum())
    counts = _inputs_counts(page.html)
    assert counts["customers with a purchase"] == buyers
    assert counts["customers with refunds only (no purchase)"] == refunds
    assert (
        counts.get("customers with amounts of 0 only, ignored (no purchase)", 0)
        == zeros
    )
    assert buyers + refunds + zeros == counts["customers"]


def test_previous_with_int_ids_meets_text_ids() -> None:
    """A previous run with int ids: 1 meets "1", "00001" is new, 3 is gone."""
    tx = pd.DataFrame(
        {
            "customer_id": pd.array(["00001", "1", "2"], dtype="str"),
            "date": pd.to_datetime(["2024-05-01", "2024-06-01", "2024-01-01"]),
            "amount": [10.0, 20.0, 30.0],
        }
    )
    previous = pd.DataFrame(
        {"client": [1, 2, 3], "lifecycle": ["lost", "active", "active"]}
    )
    page = _quiet(report, tx, previous=previous, charts=False, as_of="2024-07-01")
    after = page.result.customers["lifecycle"]
    before = previous.set_index(previous["client"].astype(str))["lifecycle"]
    tm = transition_matrix(before, after.set_axis(after.index.astype(str)))
    got = np.array(_table_values(page.html, "migration-lifecycle"))
    want = pd.DataFrame(tm.matrix, index=list(tm.before), columns=list(tm.after))
    # the report orders the classes like this run; compare by name
    start = page.html.index('id="migration-lifecycle"')
    table = _Page(page.html[start : page.html.index("</table>", start)])
    heads = table.texts("th")
    n_after = len(tm.after)
    cols, rows = heads[1 : 1 + n_after], heads[1 + n_after :]
    shown = pd.DataFrame(got, index=rows, columns=cols)
    pd.testing.assert_frame_equal(
        shown.loc[want.index, want.columns], want.astype(float), check_names=False
    )
    assert shown.loc["(new)"].sum() == 1 and shown["(gone)"].sum() == 1


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ids=st.lists(st.integers(0, 10**12), min_size=1, max_size=6, unique=True),
    kind=st.sampled_from(["float", "object", "str"]),
)
def test_previous_ids_of_another_type_meet_the_same_customers(
    ids: list[int], kind: str
) -> None:
    """A previous run with the ids as floats (17.0), mixed objects or text:
    the same migration table as with the int ids themselves."""
    tx = pd.DataFrame(
        {
            "customer_id": ids,
            "date": pd.Timestamp("2024-06-01")
            - pd.to_timedelta([40 * i for i in range(len(ids))], "D"),
            "amount": [10.0] * len(ids),
        }
    )
    stages = ["lost", "active"] * len(ids)
    as_int = pd.DataFrame({"customer_id": ids, "lifecycle": stages[: len(ids)]})
    other = as_int.copy()
    if kind == "float":
        other["customer_id"] = other["customer_id"].astype(float)
    elif kind == "object":
        other["customer_id"] = pd.array(
            [float(x) if i % 2 else x for i, x in enumerate(ids)], dtype=object
        )
    else:
        other["customer_id"] = other["customer_id"].astype(str)
    pages = [
        _quiet(report, tx, previous=prev, charts=False, as_of="2024-07-01")
        for prev in (as_int, other)
    ]
    tables = [_table_values(p.html, "migration-lifecycle") for p in pages]
    assert tables[0] == tables[1]
    assert sum(sum(row) for row in tables[0]) == len(ids)  # none new, none gone


def test_previous_with_a_missing_id_is_refused() -> None:
    """A previous run with a missing customer id: an InputError naming the row."""
    previous = pd.DataFrame({"customer_id": [1.0, np.nan], "lifecycle": ["lost"] * 2})
    with pytest.raises(InputError, match="missing customer id"):
        _quiet(report, _tx(), previous=previous, charts=False)


def test_previous_with_duplicated_ids_is_refused() -> None:
    """A previous run naming one customer twice (17 and "17") is an InputError."""
    for ids in (["17", "17"], ["17", 17]):
        previous = pd.DataFrame(
            {
                "customer_id": pd.array(ids, dtype=object),
                "lifecycle": ["lost", "active"],
            }
        )
        with pytest.raises(InputError, match="more than once"):
            _quiet(report, _tx(), previous=previous, charts=False)


# --------------------------------------------------------------------------
# plots on hostile input


@needs_mpl
def test_plots_refuse_or_draw_hostile_values() -> None:
    """NaN, inf, zero or negative totals, shuffled or list monetary: a clear
    InputError or a correct drawing, never a bare error or a positional pairing."""
    from custseg import plot

    for bad in ([0.0, 0.0], [-5.0, -1.0], [], [np.nan, 1.0], [np.inf, 1.0]):
        with pytest.raises(InputError):
            plot.lorenz(bad)
    ax = plot.lorenz([-5.0, 10.0, 0.0])  # refunds count as 0
    assert ax.lines[0].get_xydata()[1].tolist() == pytest.approx([100 / 3, 100.0])
    ids = list("abcd")
    scores = custseg.rfm_scores(
        pd.Series([3, 40, 200, 10], index=ids),
        pd.Series([12, 3, 1, 6], index=ids),
        pd.Series([900.0, 150.0, 20.0, 400.0], index=ids),
        bins=2,
    )
    monetary = pd.Series([900.0, 150.0, 20.0, 400.0], index=ids)
    with pytest.raises(InputError, match="another index"):
        plot.rf_heatmap(scores, monetary.iloc[::-1], value="monetary")
    for plain in ([900.0, 150.0, 20.0, 400.0], (900.0, 150.0, 20.0, 400.0)):
        grid = plot.rf_heatmap(scores, plain, value="monetary").images[0].get_array()
        want = plot.rf_heatmap(scores, monetary, value="monetary").images[0].get_array()
        assert grid.tolist() == want.tolist()


@needs_mpl
def test_plots_of_empty_one_and_many_classes() -> None:
    """No class, one class, 50 long-named classes, an Axes from pyplot: drawn
    without a warning, and pyplot's figure closed by to_svg."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from custseg import plot

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot.to_svg(plot.label_counts(pd.Series([], dtype="category")))
        one = transition_matrix(pd.Series(["a", "a"]), pd.Series(["a", "a"]))
        plot.to_svg(plot.transition_heatmap(one, normalize="row"))
        names = tuple(f"class {i} " + "x" * 60 for i in range(50))
        labels = custseg.Labels(np.arange(100) % 50, names)
        _fig, ax = plt.subplots()
        svg = plot.to_svg(plot.label_counts(labels, ax=ax))
    assert set(names) <= set(_svg_texts(svg))
    assert not plt.get_fignums()


# --------------------------------------------------------------------------
# the command line


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.errors.CustsegWarning)
        status = cli.main(argv)
    return status, capsys.readouterr().err


def test_cli_refuses_bad_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The output is an input by another path, in a missing folder, --lang xx:
    status 2 and one line naming the problem; the input is untouched."""
    monkeypatch.chdir(tmp_path)
    _tx(30).to_csv("tx.csv", index=False)
    shutil.copy("tx.csv", "tx.html")
    os.symlink("tx.csv", "link.html")
    before = Path("tx.csv").read_bytes()
    base = ["report", "tx.csv", "--no-charts"]
    for extra, message in (
        (["--output", "link.html"], "is an input file"),
        (["--output", "./tx.html", "--previous", "tx.html"], "is an input file"),
        (["--output", "r.html", "--previous", "./r.html"], "is an input file"),
        (["--output", "nodir/r.html"], "does not exist"),
        (["--output", "r.html", "--lang", "xx"], "'xx'"),
    ):
        status, err = _run(base + extra, capsys)
        assert status == 2 and message in err, (extra, err)
        assert err.count("\n") == 1 and "Traceback" not in err
    assert Path("tx.csv").read_bytes() == before
    assert not Path("r.html").exists()


def test_cli_report_of_non_utf8_and_bom_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A BOM is read like custseg segment reads it ('00001' and '1': two
    customers); a non-UTF-8 byte is the same clear error as in segment."""
    monkeypatch.chdir(tmp_path)
    Path("bom.csv").write_bytes(
        b"\xef\xbb\xbfcustomer_id,date,amount\n00001,2024-01-05,10\n"
        b"1,2024-02-05,20\n1,2024-03-05,5\n"
    )
    Path("latin.csv").write_bytes(
        b"customer_id,date,amount\nJos\xe9,2024-01-05,10\n1,2024-02-05,20\n"
    )
    status, _ = _run(["report", "bom.csv", "--no-charts", "--output", "r.html"], capsys)
    assert status == 0
    assert "2 customers" in Path("r.html").read_text(encoding="utf-8")
    errors = []
    for command in (["segment", "latin.csv"], ["report", "latin.csv", "--no-charts"]):
        status, err = _run(command, capsys)
        assert status == 2
        errors.append(err)
    assert errors[0] == errors[1] and "0xe9" in errors[0]


def test_cli_report_into_a_closed_pipe(tmp_path: Path) -> None:
    """custseg report ... | head -0: the page is written, no traceback."""
    import subprocess
    import sys

    _tx(30).to_csv(tmp_path / "tx.csv", index=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "custseg", "report", "tx.csv", "--no-charts"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before anything is printed
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err
    page = (tmp_path / "custseg-report.html").read_text(encoding="utf-8")
    assert page.rstrip().endswith("</html>")


# --------------------------------------------------------------------------
# in a real browser (one launch)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_hostile_page_in_chromium(tmp_path: Path) -> None:
    """In headless Chromium the hostile page runs no injected code; sorting puts
    numbers (negatives) in numeric order, Chinese by pinyin, blanks last."""
    if importlib.util.find_spec("playwright") is None or not Path(CHROMIUM).exists():
        reason = "playwright or chromium is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    tx = pd.DataFrame(
        {
            "customer_id": [str(i) for i in range(8)] + ["7"],
            "date": pd.to_datetime(["2024-03-01"] * 9),
            "amount": [9.0, 12_345.5, -40.0, 100.0, 2_000_000.0, 7.0, 0.5, 30.0, -30.0],
        }
    )
    owners = [
        ATTACKS[0],
        ATTACKS[2],
        "张三",
        "李四",
        ATTACKS[3],
        "王五",
        "赵六",
        "钱七",
    ]
    records = pd.DataFrame({"customer_id": [str(i) for i in range(8)], "owner": owners})
    rs, _a, _b = _hostile_rules()  # its class "kind" A has no playbook action
    page = _quiet(
        report, tx, rules=rs, records=records, title=ATTACKS[4] + ATTACKS[0], lang="zh"
    )
    path = page.write(tmp_path / "hostile.html")
    script = """
    ([id, col]) => {
      const t = document.getElementById(id);
      t.tHead.rows[0].cells[col].querySelector("button").click();
      return Array.from(t.tBodies[0].rows, r => r.cells[col].getAttribute("data-value"));
    }"""
    text_script = script.replace('getAttribute("data-value")', "textContent.trim()")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            tab = browser.new_page()
            dialogs: list[str] = []
            errors: list[str] = []
            tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.goto(path.as_uri(), wait_until="load")
            assert tab.evaluate("document.images.length") == 0
            assert tab.evaluate("document.scripts.length") == 1
            assert tab.title() == ATTACKS[4] + ATTACKS[0]
            results = {}
            for col in (4, 6):  # revenue (with negatives), avg order (with blanks)
                up = tab.evaluate(script, ["summary-owner", col])
                down = tab.evaluate(script, ["summary-owner", col])
                results[col] = (up, down)
            channels = [  # text with a blank: the blank last both ways
                tab.evaluate(text_script, ["playbook-kind", 3]) for _ in range(2)
            ]
            tab.evaluate(script, ["summary-owner", 0])  # class names, by pinyin
            names = tab.evaluate(
                """() => Array.from(document.getElementById("summary-owner")
                .tBodies[0].rows, r => r.cells[0].textContent)"""
            )
        finally:
            browser.close()
    assert not dialogs and not errors
    assert [c[-1] for c in channels] == ["", ""] and all(c[0] for c in channels)
    assert [n for n in names if n in owners[2:] and n not in ATTACKS] == [
        "李四",  # li
        "钱七",  # qian
        "王五",  # wang
        "张三",  # zhang
        "赵六",  # zhao
    ]
    for up, down in results.values():
        for values, sign in ((up, 1), (down, -1)):
            numbers = [float(x) for x in values if x]
            assert numbers == sorted(numbers, key=lambda x: sign * x)
            blanks = [x == "" for x in values]
            assert blanks == sorted(blanks)  # blanks last either way
    assert any(x == "" for x in results[6][0])
    assert any(float(x) < 0 for x in results[4][0] if x)
