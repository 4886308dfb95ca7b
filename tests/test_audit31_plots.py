"""Audit 31, plots and HTML report: findings of the thirty-first audit.

Each test covers the class of a finding (with hypothesis), then its worked
example.
"""

from __future__ import annotations

import html
import io
import re
import warnings
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import CustsegWarning
from custseg.migration import TransitionMatrix
from custseg.rfm import rfm_scores
from test_audit30_report import _close, _quiet, needs_mpl


def _ticks(labels: Any) -> list[str]:
    return [t.get_text() for t in labels]


# --------------------------------------------------------------------------
# 1. segment_sizes leaves the summary's total row out wherever it is


_STAGES = ["active", "silent", "sleeping", "lost", "no_purchase"]


@st.composite
def _summaries(draw: st.DrawFn) -> pd.DataFrame:
    """A segment_summary of a few customers, its rows then sorted, cut or
    shuffled as a user would before plotting."""
    n = draw(st.integers(1, 12))
    labels = draw(st.lists(st.sampled_from(_STAGES), min_size=n, max_size=n))
    counts = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    spend = draw(st.lists(st.integers(0, 500), min_size=n, max_size=n))
    facts = pd.DataFrame(
        {
            "recency_days": [float(i * 30) for i in range(n)],
            "frequency": counts,
            "monetary": [float(x) for x in spend],
        }
    )
    labels_cat = pd.Categorical(labels, categories=_STAGES)
    total = draw(st.sampled_from(["Total", "All"]))
    table = custseg.segment_summary(labels_cat, facts, total=total)
    how = draw(st.sampled_from(["sort", "sort_revenue", "nlargest", "shuffle"]))
    if how == "sort":
        return table.sort_values("customers", ascending=False)
    if how == "sort_revenue":
        return table.sort_values("revenue", ascending=draw(st.booleans()))
    if how == "nlargest":
        return table.nlargest(draw(st.integers(1, len(table))), "customers")
    order = draw(st.permutations(list(range(len(table)))))
    return table.iloc[order]


@needs_mpl
class TestSegmentSizesTotal:
    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(_summaries())
    def test_total_row_never_drawn_as_a_class(self, table: pd.DataFrame) -> None:
        """Sorted, cut or shuffled, the summary keeps its total mark and
        the plot draws its classes only, in the frame's order."""
        from custseg import plot

        mark = table.attrs["total"]
        classes = [str(i) for i in table.index if str(i) != mark]
        ax = plot.segment_sizes(table)
        try:
            assert _ticks(ax.get_yticklabels()) == classes
            widths = [round(float(b.get_width()), 6) for b in ax.containers[0]]
            want = [
                round(float(100 * table.loc[c, "customer_share"]), 6) for c in classes
            ]
            assert widths == want
        finally:
            _close(ax)

    def test_class_called_total_without_a_total_row_is_drawn(self) -> None:
        """A summary made with total=None may have a class "Total": drawn,
        sorted or not."""
        from custseg import plot

        facts = pd.DataFrame(
            {"recency_days": [1.0, 2.0], "frequency": [1, 2], "monetary": [5.0, 9.0]}
        )
        table = custseg.segment_summary(["Total", "x"], facts, total=None)
        ax = plot.segment_sizes(table.sort_values("revenue", ascending=False))
        try:
            assert _ticks(ax.get_yticklabels()) == ["x", "Total"]
        finally:
            _close(ax)

    def test_worked_example(self) -> None:
        """The finding's example: sort_values and nlargest, as the
        MAX_CLASSES refusal suggests."""
        from custseg import plot

        facts = custseg.summarize(
            ["a", "b", "a", "c"],
            ["2024-03-01", "2024-03-02", "2024-03-20", "2023-10-30"],
            [100.0, 40.0, 60.0, 10.0],
            as_of="2024-03-31",
        )
        table = custseg.segment_summary(
            custseg.lifecycle_stage(facts.recency_days), facts
        )
        ax = plot.segment_sizes(table.sort_values("customers", ascending=False))
        try:
            assert _ticks(ax.get_yticklabels()) == [
                "active",
                "silent",
                "sleeping",
                "lost",
                "no_purchase",
            ]
            assert [round(float(b.get_width()), 1) for b in ax.containers[0]] == [
                66.7,
                33.3,
                0.0,
                0.0,
                0.0,
            ]
        finally:
            _close(ax)
        ax = plot.segment_sizes(table.nlargest(2, "customers"))
        try:
            assert _ticks(ax.get_yticklabels()) == ["active"]
        finally:
            _close(ax)


# --------------------------------------------------------------------------
# 2. the customers who stayed sit on the diagonal of every migration heat map

_CLASSES = ["a", "b", "c", "d", "e"]


@st.composite
def _two_periods(draw: st.DrawFn) -> tuple[Any, Any]:
    """Two labellings whose sides may list different classes (plain
    arrays, or Series by customer id with categories of their own)."""
    n = draw(st.integers(1, 15))
    before = draw(st.lists(st.sampled_from(_CLASSES), min_size=n, max_size=n))
    after = draw(st.lists(st.sampled_from(_CLASSES), min_size=n, max_size=n))
    if draw(st.booleans()):
        return before, after
    ids = [f"c{i}" for i in range(n)]
    keep_b = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    keep_a = draw(st.lists(st.booleans(), min_size=n, max_size=n))

    def side(labels: list[str], keep: list[bool]) -> pd.Series:
        kept = [x for x, k in zip(labels, keep, strict=True) if k]
        # categories of their own order, some empty
        extra = draw(st.lists(st.sampled_from(_CLASSES), max_size=2))
        cats = draw(st.permutations(list(dict.fromkeys([*kept, *extra]))))
        return pd.Series(
            pd.Categorical(kept, categories=cats),
            index=[i for i, k in zip(ids, keep, strict=True) if k],
            dtype=None,
        )

    return side(before, keep_b), side(after, keep_a)


def _same_class_pairs(before: Any, after: Any) -> int:
    """Customers in both periods with the same class (by id, or by row)."""
    if isinstance(before, pd.Series):
        both = before.index.intersection(after.index)
        return int(
            (
                before[both].astype(str).to_numpy()
                == after[both].astype(str).to_numpy()
            ).sum()
        )
    return sum(x == y for x, y in zip(before, after, strict=True))


@needs_mpl
class TestHeatmapDiagonal:
    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(_two_periods(), st.sampled_from(["row", "none"]))
    def test_rows_and_columns_are_one_list(self, periods: Any, normalize: str) -> None:
        """Whatever classes each side lists, row i and column i of the heat
        map are one class, the diagonal holds the customers who stayed, and
        every count is drawn where its pair of classes is."""
        from custseg import plot

        before, after = periods
        tm = custseg.transition_matrix(before, after)
        ax = plot.transition_heatmap(tm, normalize="none")
        try:
            rows = _ticks(ax.get_yticklabels())
            cols = _ticks(ax.get_xticklabels())
            rows = rows[: len(rows) - (tm.new is not None)]
            cols = cols[: len(cols) - (tm.gone is not None)]
            grid = np.asarray(ax.images[0].get_array())
            if set(rows) & set(cols):  # (no class in common: nobody stays)
                assert rows == cols
                k = len(rows)
                assert int(np.trace(grid[:k, :k])) == _same_class_pairs(before, after)
            # every count of the matrix drawn in its pair's cell, the rest 0
            counts = tm.counts
            n_rows = len(_ticks(ax.get_yticklabels()))
            n_cols = len(_ticks(ax.get_xticklabels()))
            names_r = [*rows, *([tm.new] if tm.new is not None else [])]
            names_c = [*cols, *([tm.gone] if tm.gone is not None else [])]
            assert grid.shape == (n_rows, n_cols)
            for i, r in enumerate(names_r):
                for j, c in enumerate(names_c):
                    want = (
                        int(counts.loc[r, c])
                        if r in counts.index and c in counts.columns
                        else 0
                    )
                    assert int(grid[i, j]) == want
            assert int(grid.sum()) == tm.n
        finally:
            _close(ax)
        ax = plot.transition_heatmap(tm, normalize=normalize)
        _close(ax)

    def test_worked_example_plain_lists(self) -> None:
        """transition_matrix(['b', 'c'], ['a', 'b']): rows b, c and columns
        a, b; the heat map draws a, b, c on both sides."""
        from custseg import plot

        tm = custseg.transition_matrix(["b", "b", "c"], ["a", "b", "b"])
        ax = plot.transition_heatmap(tm, normalize="none")
        try:
            assert _ticks(ax.get_yticklabels()) == ["a", "b", "c"]
            assert _ticks(ax.get_xticklabels()) == ["a", "b", "c"]
            grid = np.asarray(ax.images[0].get_array())
            assert grid.tolist() == [[0, 0, 0], [1, 1, 0], [0, 1, 0]]
        finally:
            _close(ax)


def _table(page_html: str, column: str) -> tuple[list[str], list[str], np.ndarray]:
    """Column and row names and counts of a migration table of the page."""
    start = page_html.find(f'id="migration-{column}"')
    body = page_html[start : page_html.find("</table>", start)]
    cols = [
        html.unescape(re.sub("<[^>]+>", "", h))
        for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', body)
    ][1:]
    rows = []
    cells = []
    for line in re.findall(r"<tr><th scope=\"row\"[^>]*>.*?</tr>", body):
        rows.append(
            html.unescape(
                re.sub(
                    "<[^>]+>",
                    "",
                    re.findall(r'<th scope="row"[^>]*>(.*?)</th>', line)[0],
                )
            )
        )
        cells.append(
            [
                float(x)
                for x in re.findall(r'<td class="num" data-value="([^"]*)"', line)
            ]
        )
    return cols, rows, np.asarray(cells)


def _previous_from_file(tx: pd.DataFrame, keep: float, seed: int) -> pd.DataFrame:
    """An earlier run of part of the customers, written and read back as
    `custseg segment --output` and `--previous` do: its empty classes are
    gone."""
    early = _quiet(
        custseg.segment,
        tx[tx.date < "2024-07-01"],
        preset="ecommerce",
        as_of="2024-07-01",
    )
    frame = early.customers
    rng = np.random.default_rng(seed)
    frame = frame[rng.random(len(frame)) < keep]
    return pd.read_csv(io.StringIO(frame.to_csv()), dtype=str, keep_default_na=False)


def _check_diagonal(page: Any, previous: pd.DataFrame) -> None:
    seg = page.result.customers
    prev = previous.set_index("customer_id")
    seg_ids = seg.index.astype(str)
    for column in re.findall(r'id="migration-([^"]*)"', page.html):
        cols, rows, cells = _table(page.html, column)
        classes = rows[:-1]
        assert cols[:-1] == classes, column  # then (new) and (gone)
        assert rows[-1] == "(new)" and cols[-1] == "(gone)"
        # this run's classes first, in its order
        if isinstance(seg[column].dtype, pd.CategoricalDtype):
            mine = [str(c) for c in seg[column].cat.categories]
            assert classes[: len(mine)] == mine, column
        # the diagonal: customers in both runs with the same class
        now = pd.Series(seg[column].astype(object).to_numpy(), index=seg_ids)
        both = now.index.intersection(prev.index)
        then = prev.loc[both, column].astype(str).to_numpy()
        same = int((now[both].astype(str).to_numpy() == then).sum())
        k = len(classes)
        assert int(np.trace(cells[:k, :k])) == same, column


@needs_mpl
class TestReportDiagonal:
    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        st.integers(8, 40),
        st.integers(0, 10_000),
        st.sampled_from([0.2, 0.5, 1.0]),
    )
    def test_previous_read_from_a_file(self, n: int, seed: int, keep: float) -> None:
        """A previous run read from a file lacks this run's empty classes:
        every migration table still lists the same classes as rows and
        columns, this run's first, and its diagonal is who stayed."""
        from custseg.datasets import simulate_transactions

        tx = simulate_transactions(n, seed=seed)
        previous = _previous_from_file(tx, keep, seed)
        page = _quiet(
            custseg.report, tx, preset="ecommerce", previous=previous, charts=False
        )
        _check_diagonal(page, previous)

    def test_worked_example(self) -> None:
        """The finding's example: rfm_vignette's table and heat map with
        'Unscored' first on both sides, Champions -> Champions on the
        diagonal."""
        from custseg.datasets import simulate_transactions

        tx = simulate_transactions(400, seed=5)
        previous = _previous_from_file(tx, 1.0, 0)
        page = _quiet(
            custseg.report, tx, preset="ecommerce", previous=previous, charts=False
        )
        cols, rows, _cells = _table(page.html, "rfm_vignette")
        assert cols[:3] == rows[:3] == ["Unscored", "Champions", "Potential Loyalist"]
        _check_diagonal(page, previous)


# --------------------------------------------------------------------------
# 3. counts never run into the next cell of a transition heat map


def _overlaps(ax: Any) -> list[tuple[int, int]]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = ax.figure
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    n_c = len(ax.get_xticks())
    page = fig.bbox
    out = []
    texts = ax.texts[: n_c * len(ax.get_yticks())]
    boxes = [t.get_window_extent(renderer) for t in texts]
    for pos, box in enumerate(boxes):
        if not texts[pos].get_text():
            continue
        # inside the figure
        if box.x0 < page.x0 - 0.5 or box.x1 > page.x1 + 0.5:
            out.append((pos, -1))
        j = pos % n_c
        if j + 1 < n_c and box.x1 > boxes[pos + 1].x0 and texts[pos + 1].get_text():
            out.append((pos, pos + 1))
    return out


@needs_mpl
class TestCountCells:
    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.integers(1, 24), st.integers(0, 14), st.booleans())
    def test_numbers_stay_in_their_cells(self, k: int, digits: int, long: bool) -> None:
        """Counts of up to 15 digits among up to 24 classes (short or long
        names): each is written inside its cell, inside the figure."""
        from custseg import plot

        names = tuple((f"class number {i}" if long else f"c{i}") for i in range(k))
        base = 10**digits
        counts = (np.arange(k * k, dtype=np.int64).reshape(k, k) % 7 + 1) * base
        tm = TransitionMatrix(counts, names, names)
        ax = plot.transition_heatmap(tm, normalize="none")
        try:
            assert _overlaps(ax) == []
        finally:
            _close(ax)

    def test_worked_example(self) -> None:
        """Eight classes of 1,234,567,890 customers each: the numbers are
        written short (1.23e9), none past its cell."""
        from custseg import plot

        k = 8
        names = tuple(f"c{i}" for i in range(k))
        tm = TransitionMatrix(
            np.full((k, k), 1_234_567_890, dtype=np.int64), names, names
        )
        ax = plot.transition_heatmap(tm, normalize="none")
        try:
            assert _overlaps(ax) == []
            shown = {t.get_text() for t in ax.texts[: k * k]}
            assert shown in ({"1,234,567,890"}, {"1.23e9"})
        finally:
            _close(ax)


# --------------------------------------------------------------------------
# 4. one customer is "1 customer" on the report


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4), st.sampled_from(["en", "zh"]))
def test_customer_count_agrees_with_its_noun(n: int, lang: str) -> None:
    """The page's header and the migration sentence say "1 customer" for
    one, "N customers" for more (Chinese has one form)."""
    ids = [f"c{i}" for i in range(n)]
    tx = pd.DataFrame(
        {"customer_id": ids, "date": ["2024-06-01"] * n, "amount": [12.5] * n}
    )
    earlier = _quiet(custseg.segment, tx, preset="ecommerce", as_of="2024-06-15")
    page = _quiet(
        custseg.report,
        tx,
        preset="ecommerce",
        as_of="2024-07-01",
        charts=False,
        lang=lang,
        previous=earlier,
    )
    if lang == "en":
        word = "customer" if n == 1 else "customers"
        assert f"{n} {word} · as of" in page.html
        assert f"lifecycle: {n} {word} (" in page.html
        assert "1 customers" not in page.html
    else:
        assert f"{n} 位客户 · " in page.html


def test_cli_report_line_says_1_customer(tmp_path: Any, capsys: Any) -> None:
    """`custseg report` of one customer: '(1 customer; ...)'."""
    from custseg.cli import main

    path = tmp_path / "tx.csv"
    path.write_text("customer_id,date,amount\na,2024-06-01,12.5\n")
    out = tmp_path / "r.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        main(
            [
                "report",
                str(path),
                "--preset",
                "ecommerce",
                "--as-of",
                "2024-07-01",
                "--no-charts",
                "--output",
                str(out),
            ]
        )
    said = capsys.readouterr()
    assert "(1 customer;" in said.out + said.err
    assert "1 customers" not in out.read_text(encoding="utf-8")


def test_worked_example_header() -> None:
    """The finding's example: one customer's header."""
    tx = pd.DataFrame({"customer_id": ["a"], "date": ["2024-06-01"], "amount": [12.5]})
    page = _quiet(
        custseg.report, tx, preset="ecommerce", as_of="2024-07-01", charts=False
    )
    assert "1 customer · as of 2024-07-01 · ecommerce" in page.html


# --------------------------------------------------------------------------
# side note: the RFM diagnostics list every score no customer got


def _said_empty(notes: tuple[str, ...], name: str) -> tuple[set[int], set[int]]:
    """The scores a note calls empty, and those it says no customer has."""
    for note in notes:
        found = re.match(
            rf"{name}: (?:scores? ([\d, ]+) (?:is|are) empty)?(?:, and )?"
            r"(?:no customer has scores? ([\d, ]+))?:",
            note,
        )
        if found and (found.group(1) or found.group(2)):
            empty, others = (
                {int(x) for x in (g or "").split(",") if x.strip()}
                for g in found.groups()
            )
            return empty, others
    return set(), set()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 6), min_size=1, max_size=30),
    st.integers(2, 7),
    st.randoms(use_true_random=False),
)
def test_empty_scores_are_every_score_nobody_got(
    values: list[int], bins: int, rnd: Any
) -> None:
    """Fitted edges: the note names exactly the scores no customer got, in
    each dimension (recency mirrored): the empty ones (between equal cuts)
    as empty, the others as scores no customer has."""
    recency = list(values)
    rnd.shuffle(recency)
    s = rfm_scores(recency, values, [float(x) for x in values], bins=bins)
    for name, got, dim, better in (
        ("recency_days", s.r, s.edges.recency, False),
        ("frequency", s.f, s.edges.frequency, True),
        ("monetary", s.m, s.edges.monetary, True),
    ):
        nobody = set(range(1, bins + 1)) - set(got.tolist())
        empty, others = _said_empty(s.diagnostics, name)
        assert empty == set(dim.empty_scores(higher_is_better=better)), name
        assert empty | others == nobody, (name, s.diagnostics)
        assert not empty & others


def test_worked_example_one_customer() -> None:
    """The probe's side note: one customer's report says that no customer
    has F = 5 either, not only that scores 2, 3 and 4 are empty."""
    tx = pd.DataFrame({"customer_id": ["a"], "date": ["2024-06-01"], "amount": [12.5]})
    page = _quiet(
        custseg.report, tx, preset="ecommerce", as_of="2024-07-01", charts=False
    )
    said = "frequency: scores 2, 3, 4 are empty, and no customer has score 5: "
    assert said + "1 customer (100.0%) has 1" in (html.unescape(page.html))
