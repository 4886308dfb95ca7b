"""Audit 30, plots and HTML report: findings of the thirtieth audit.

Each test covers the class of a finding (with hypothesis), then its worked
example.
"""

from __future__ import annotations

import contextlib
import html
import importlib.util
import io
import re
import unicodedata
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import custseg
from custseg import _display
from custseg import _validate as v
from custseg.cli import main
from custseg.errors import CustsegWarning

HAS_MPL = importlib.util.find_spec("matplotlib") is not None
needs_mpl = pytest.mark.skipif(not HAS_MPL, reason="matplotlib is not installed")


def _quiet(fn: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return fn(*args, **kwargs)


def _close(ax: Any) -> None:
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


# --------------------------------------------------------------------------
# 1 and 2. plots draw names as the report shows them, before the layout

#: pieces of names that a plot drew alike (or wrote in after the layout)
_ODD = st.sampled_from(
    [
        *("a", "my", " ", "  ", "\t", "\n", "\r", "\x00", "\u200b", "\u202e"),
        *("\xa0", "\ufeff", "\u2028", "\\", "\\u", "\udc80", "\u200d", "é", "中"),
    ]
)
_NAMES = st.lists(
    st.lists(_ODD, min_size=1, max_size=4).map(lambda s: "x" + "".join(s)),
    min_size=1,
    max_size=4,
    unique=True,
)


def _readable(text: str) -> bool:
    """Whether *text* shows every character it holds: nothing a page or a
    chart draws as nothing or as a blank (controls, line breaks, format
    characters but the joiners, blanks at the ends, a run of blanks, a
    blank other than the space), no lone surrogate."""
    if text != text.strip() or "  " in text:
        return False
    for c in text:
        if c in "\u200c\u200d":
            continue
        if c.isspace() and c != " ":
            return False
        if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            return False
    return True


def _svg_texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]


@needs_mpl
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=_NAMES)
@example(names=["amy", "amy\u202e", "amy\u200b", "amy ", "amy\t", "amy\n"])
def test_plots_draw_names_as_the_report_shows_them(names: list[str]) -> None:
    """Every plot of class or staff names (label_counts, segment_sizes,
    transition_heatmap, workload) draws each name as the report's tables
    show it (_display.shown_name: controls, invisible characters, hidden
    blanks and lone surrogates as code points), so different names never
    look alike; the texts measured and laid out are the texts to_svg writes
    (it wrote invisible characters' code points in after the layout, so a
    name took more room than it was given)."""
    from custseg import plot

    shown = [_display.shown_name(n, surrogates=True) for n in names]
    assert all(_readable(s) for s in shown)
    series = pd.Series(names, dtype=object)  # pandas text refuses a surrogate
    labels = custseg.Labels(np.arange(len(names)), tuple(names), name="kind")
    summary = _quiet(
        custseg.segment_summary,
        labels,
        custseg.summarize(
            [f"c{i}" for i in range(len(names))],
            ["2024-01-01"] * len(names),
            [10.0] * len(names),
            as_of="2024-02-01",
        ),
    )
    tm = _quiet(custseg.transition_matrix, labels, labels)
    staff = _quiet(custseg.assign_owners, [10.0 * (i + 1) for i in range(8)], names)
    drawn = {
        "label_counts": (plot.label_counts(series), "y"),
        "label_counts (Labels)": (plot.label_counts(labels), "y"),
        "segment_sizes": (plot.segment_sizes(summary), "y"),
        "transition_heatmap": (plot.transition_heatmap(tm), "y"),
        "workload": (plot.workload(staff), "x"),
    }
    for what, (ax, axis) in drawn.items():
        ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
        texts = [t.get_text() for t in ticks]
        if what == "transition_heatmap":
            texts = texts[: len(names)]  # then "(new)"
        if what == "label_counts":
            order = sorted(range(len(names)), key=lambda i: names[i])
            expected = [shown[i] for i in order]
        else:
            expected = shown
        # each drawn as shown; a long one wrapped onto lines (of a column)
        assert all(_readable(line) for t in texts for line in t.split("\n"))
        flat = ["".join(t.split()) for t in texts]
        assert flat == ["".join(t.split()) for t in expected], what
        svg = plot.to_svg(ax)
        written = set(_svg_texts(svg))
        assert {line for t in texts for line in t.split("\n")} <= written, what
        # no text written differs from the text the figure laid out
        laid_out = {
            t.get_text().split("\n")[i]
            for t in ax.figure.findobj(lambda a: hasattr(a, "get_text"))
            for i in range(t.get_text().count("\n") + 1)
        }
        assert written <= laid_out, what


@needs_mpl
@settings(max_examples=20, deadline=None)
@given(title=st.text(st.sampled_from("ab \u202e\u200b\ufeff"), min_size=1, max_size=5))
def test_to_svg_shows_your_texts_before_the_layout(title: str) -> None:
    """A figure of yours with invisible characters in a text: to_svg writes
    them as code points, laid out as written, and leaves the figure as it
    was."""
    import matplotlib.figure

    from custseg import plot

    fig = matplotlib.figure.Figure(figsize=(3, 2), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.set_ylabel("y" + title)
    texts: dict[Any, list[str]] = {}

    real = fig.savefig

    def spy(*args: Any, **kwargs: Any) -> Any:
        texts["saved"] = [ax.get_title(), ax.get_ylabel()]
        return real(*args, **kwargs)

    fig.savefig = spy  # type: ignore[method-assign]
    svg = plot.to_svg(fig)
    want = [_display.shown_invisible(title), _display.shown_invisible("y" + title)]
    assert texts["saved"] == want  # shown while laid out and written
    assert {w.strip() for w in want} - {""} <= {t.strip() for t in _svg_texts(svg)}
    assert (ax.get_title(), ax.get_ylabel()) == (title, "y" + title)  # restored


@needs_mpl
def test_plot_names_worked_example(tmp_path: Path) -> None:
    """The report's cases: `bo\\u200b` and `\\u202eyma` whole in the SVG, and
    the eight names that read `amy` drawn apart, in a PNG too."""
    from custseg import plot

    ax = plot.label_counts(pd.Series(["amy", "\u202eyma", "bo\u200b"]))
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "amy",
        "bo\\u200b",
        "\\u202eyma",
    ]
    svg = plot.to_svg(ax)
    assert {"bo\\u200b", "\\u202eyma"} <= set(_svg_texts(svg))
    # the names were measured as written: the figure is wide enough for them
    fig = ax.figure
    fig.canvas.draw()
    for t in ax.get_yticklabels():
        assert t.get_window_extent().x0 >= 0, t.get_text()
    res = _quiet(
        custseg.assign_owners, [100, 80, 60], ["amy", "\u202eyma\u200b\u200b\u200b"]
    )
    ax = plot.workload(res)
    assert ax.get_xticklabels()[1].get_text().replace("\n", "") == (
        "\\u202eyma\\u200b\\u200b\\u200b"
    )
    names = ["amy", "amy\u202e", "amy\u200b", "amy ", "amy\t", "amy\n", "a\xa0my"]
    ax = plot.label_counts(pd.Series([*names, "a my", "amy"]))
    drawn = [t.get_text() for t in ax.get_yticklabels()]
    assert len(set(drawn)) == len(drawn) == 8
    assert "amy\\u000a" in drawn and "amy\\u0009" in drawn and "amy\\u0020" in drawn
    ax.figure.savefig(tmp_path / "inv.png")


@needs_mpl
@settings(max_examples=20, deadline=None)
@given(
    owners=st.lists(
        st.text(st.sampled_from("ab \t\n\\u\u200b\u202e"), min_size=1, max_size=4),
        min_size=2,
        max_size=3,
        unique=True,
    ).filter(lambda o: len({_display.alike(x).strip() for x in o}) == len(o))
)
def test_report_charts_name_classes_as_its_tables(owners: list[str]) -> None:
    """The report's charts, drawn by the plots (which now show the names),
    name each owner as the Ownership table does, never escaped twice (a
    backslash doubled again)."""
    n = 6
    ids = [f"c{i}" for i in range(n)]
    tx = pd.DataFrame(
        {"customer_id": ids, "date": "2024-01-01", "amount": np.arange(1.0, n + 1)}
    )
    rec = pd.DataFrame(
        {"customer_id": ids, "owner": [owners[i % len(owners)] for i in range(n)]}
    )
    page = _quiet(custseg.report, tx, records=rec)
    start = page.html.index('<section id="ownership"')
    section = page.html[start : page.html.index("</section>", start)]
    rows = {
        html.unescape(t)
        for t in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', section)
    }
    shown = {_display.shown_name(o) for o in owners}
    assert shown <= rows
    svg = section[section.index("<svg") :]
    assert shown <= set(_svg_texts(svg))


# --------------------------------------------------------------------------
# 3. `custseg report` names the file and line, as `custseg segment` does


def _error(argv: list[str], folder: Path) -> str:
    err = io.StringIO()
    with contextlib.chdir(folder), contextlib.redirect_stderr(err):
        status = main(argv)
    assert status == 2, err.getvalue()
    lines = [x for x in err.getvalue().splitlines() if x.startswith("custseg: error")]
    assert len(lines) == 1, err.getvalue()
    return lines[0]


_CASES = ("after_as_of", "records_repeat", "records_no_id", "contacts_columns")


@settings(max_examples=30, deadline=None)
@given(
    case=st.sampled_from(_CASES),
    n=st.integers(2, 6),
    at=st.integers(0, 5),
    blank=st.integers(0, 2),
)
@example(case="after_as_of", n=2, at=1, blank=0)
@example(case="records_repeat", n=2, at=1, blank=0)
def test_report_names_the_file_and_line_as_segment(
    tmp_path_factory: pytest.TempPathFactory, case: str, n: int, at: int, blank: int
) -> None:
    """A problem with the rows of the transactions, the --records or the
    --contacts file: `custseg report` says what `custseg segment` says (the
    file, and the line its first bad row starts on), where it said a 0-based
    row of a frame the user never saw, or 'contacts' for the file."""
    folder = tmp_path_factory.mktemp("f3")
    at = at % n
    dates = ["2024-01-01"] * n
    extra: list[str] = []
    if case == "after_as_of":
        dates[at] = "2024-03-01"
        extra = ["--as-of", "2024-02-01"]
    rows = [f"c{i},{d},{10 + i}" for i, d in enumerate(dates)]
    # blank lines before the rows: lines are not rows
    (folder / "tx.csv").write_text(
        "customer_id,date,amount\n" + "\n" * blank + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    if case in ("records_repeat", "records_no_id"):
        ids = [f"c{i}" for i in range(n)]
        if case == "records_repeat":
            ids.append(ids[at])
        else:
            ids[at] = ""
        (folder / "rec.csv").write_text(
            "customer_id,owner\n" + "\n" * blank + "".join(f"{i},amy\n" for i in ids),
            encoding="utf-8",
        )
        extra = ["--records", "rec.csv"]
    if case == "contacts_columns":
        (folder / "con.csv").write_text(
            "customer_id,date\n" + "".join(f"c{i},2024-01-01\n" for i in range(n)),
            encoding="utf-8",
        )
        extra = ["--contacts", "con.csv"]
    seg = _error(["segment", "tx.csv", *extra, "--output", "s.csv"], folder)
    rep = _error(["report", "tx.csv", *extra, "--output", "r.html"], folder)
    assert rep == seg
    named = {
        "after_as_of": "of 'tx.csv'",
        "records_repeat": "of 'rec.csv'",
        "records_no_id": "of 'rec.csv'",
        "contacts_columns": "'con.csv'",
    }[case]
    assert named in rep
    if case != "contacts_columns":
        assert re.search(r"first at line \d+ of", rep), rep
    assert not (folder / "r.html").exists()


def test_report_file_and_line_worked_example(tmp_path: Path) -> None:
    """The report's three commands."""
    (tmp_path / "tx.csv").write_text(
        "customer_id,date,amount\nc1,2024-01-01,10\nc2,2024-03-01,20\n",
        encoding="utf-8",
    )
    (tmp_path / "rec.csv").write_text(
        "customer_id,owner\nc1,amy\nc1,bo\n", encoding="utf-8"
    )
    (tmp_path / "con.csv").write_text(
        "customer_id,date\nc1,2024-01-01\nc2,2025-06-01\n", encoding="utf-8"
    )
    out = ["--output", "r.html"]
    err = _error(["report", "tx.csv", "--as-of", "2024-02-01", *out], tmp_path)
    assert "(first at line 3 of 'tx.csv', 1 row affected)" in err
    err = _error(["report", "tx.csv", "--records", "rec.csv", *out], tmp_path)
    assert err.startswith(
        "custseg: error: 'customer_id' of the records file 'rec.csv' repeats ids "
        "(e.g. 'c1') (first at line 2 of 'rec.csv', 2 rows affected)"
    )
    err = _error(["report", "tx.csv", "--contacts", "con.csv", *out], tmp_path)
    assert err.startswith("custseg: error: 'con.csv' has no column 'initiator', 'kind'")


# --------------------------------------------------------------------------
# 4. the Ownership section with owners of mixed kinds


def _owner_rows(page_html: str) -> dict[str, int]:
    """The Ownership table's rows: owner shown, and its customers."""
    start = page_html.index('<section id="ownership"')
    section = page_html[start : page_html.index("</section>", start)]
    assert "not computed" not in section, section
    rows = re.findall(
        r'<th scope="row"[^>]*>(.*?)</th><td class="num" data-value="([^"]*)"',
        section,
    )
    return {html.unescape(k): int(float(c)) for k, c in rows}


def _expected_owners(owners: list[Any]) -> Counter[Any]:
    """Customers per owner as custseg.assign_owners tells owners apart
    (ownership._of_one_kind): as given when all text or all numbers, else
    by their text (7, 7.0 and "7" one owner; True is "True")."""
    present = [o for o in owners if not v.is_missing_scalar(o)]
    text = all(isinstance(o, str) for o in present)
    numbers = all(
        isinstance(o, int | float) and not isinstance(o, bool) for o in present
    )
    if text or numbers:
        return Counter(str(v.id_text(o) or o) for o in present)
    return Counter(
        (t if isinstance(t := v.id_text(o), str) else str(o)) for o in present
    )


_OWNER = st.sampled_from([104, 7, 7.0, "7", "A12", "amy", True, False, 1, 1.0, None])


@settings(max_examples=30, deadline=None)
@given(owners=st.lists(_OWNER, min_size=1, max_size=6))
@example(owners=[104, "A12", 104])
@example(owners=[1, 1.0, True])
@example(owners=[None])  # no owner at all: the section without a table
def test_ownership_table_with_owners_of_mixed_kinds(owners: list[Any]) -> None:
    """Owners that mix numbers and text (or True) get their table, one row
    per owner as assign_owners tells them apart, where the section showed
    an error about 'labels' and .cat.rename_categories; 1, 1.0 and True are
    never merged by their hash."""
    n = len(owners)
    ids = [f"c{i}" for i in range(n)]
    tx = pd.DataFrame({"customer_id": ids, "date": "2024-01-01", "amount": 10.0})
    rec = pd.DataFrame({"customer_id": ids, "owner": pd.Series(owners, dtype=object)})
    page = _quiet(custseg.report, tx, records=rec, charts=False)
    if all(v.is_missing_scalar(o) for o in owners):
        return  # no owner at all
    rows = _owner_rows(page.html)
    expected = _expected_owners(owners)
    missing = sum(v.is_missing_scalar(o) for o in owners)
    if missing:
        expected["missing"] = missing
    expected["Total"] = n
    assert rows == dict(expected)


def test_ownership_mixed_worked_example() -> None:
    """The report's case: staff codes 104 and A12, as pd.read_excel gives
    them, and a categorical column of them."""
    tx = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3"],
            "date": ["2024-01-01"] * 3,
            "amount": [10.0, 20.0, 30.0],
        }
    )
    for owner in ([104, "A12", 104], pd.Categorical([104, "A12", 104])):
        rec = pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "owner": owner})
        page = _quiet(custseg.report, tx, records=rec, charts=False)
        assert _owner_rows(page.html) == {"104": 2, "A12": 1, "Total": 3}
        assert "rename_categories" not in page.html
    rec = pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "owner": [1, 1.0, True]})
    page = _quiet(custseg.report, tx, records=rec, charts=False)
    assert _owner_rows(page.html) == {"1": 2, "True": 1, "Total": 3}
