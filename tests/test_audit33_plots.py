"""Audit 33, plots: findings of the thirty-third audit (probes33/plots6).

Each test covers the class of a finding (with hypothesis), then its worked
example: the title's count of customers left out, numbers and tick labels
that never touch (measured on the drawn figure), marks that stand out under
any style, a book axis that scales to the book, no font-lookup noise on a
figure passed in, means of amounts near the float range, fair-share ticks
no wider than their bar.
"""

from __future__ import annotations

import io
import itertools
import logging
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import custseg
from custseg.migration import TransitionMatrix
from test_audit30_report import needs_mpl

PLOTS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
nan = float("nan")


def _drawn(fig: Any) -> Any:
    """Draw *fig* (layout included) on an Agg canvas; its renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


#: Figures a plot is drawn on: a new one of its own, matplotlib's default
#: figure (no layout engine), or a panel of a dashboard (constrained layout)
_WHERE = st.sampled_from(["new", "default", "2x2", "2x3", "3x3"])


def _axes(where: str) -> Any:
    from matplotlib.figure import Figure

    if where == "new":
        return None
    if where == "default":
        return Figure().add_subplot()
    rows, cols = (int(n) for n in where.split("x"))
    fig = Figure(figsize=(10, 6), layout="constrained")
    return fig.subplots(rows, cols)[0, 0]


# --------------------------------------------------------------------------
# 1. the title counts the customers each part of the chart leaves out


#: per customer: all scores, no purchase, no R, no M, no R and no M
_KINDS = st.sampled_from(["all", "none", "no_r", "no_m", "no_rm"])


def _scores(kinds: list[str]) -> Any:
    """Scores of customers of these *kinds* (the first three fully scored,
    so that the edges can be fitted)."""
    n = len(kinds)
    r = [float(3 + 7 * i) for i in range(n)]
    f = [1 + i % 4 for i in range(n)]
    m = [float(10 + 13 * i) for i in range(n)]
    for i, kind in enumerate(kinds):
        if kind == "none":
            r[i], f[i], m[i] = nan, 0, 0.0
        if kind in ("no_r", "no_rm"):
            r[i] = nan
        if kind in ("no_m", "no_rm"):
            m[i] = nan
    return custseg.rfm_scores(r, f, m, bins=2, nan="unknown")


def _said(note: str, dims: str) -> dict[str, int]:
    """The customers a title's last line says each dimension leaves out."""
    n = r"(\d[\d,]*)"
    if m := re.fullmatch(rf"{n} customers? without a score not shown", note):
        return dict.fromkeys(dims, int(m[1].replace(",", "")))
    if m := re.fullmatch(rf"{n} customers? without an ([RFM]) score not shown", note):
        return {d: int(m[1]) if d == m[2] else 0 for d in dims}
    if m := re.fullmatch(rf"{n} customers? without an R or F score not shown", note):
        return {"RF": int(m[1])}
    if m := re.fullmatch(r"customers without a score, not shown: (.+)", note):
        parts = dict(p.split(" ") for p in m[1].split(", "))
        return {d: int(parts.get(d, "0")) for d in dims}
    return dict.fromkeys(dims, 0)


@needs_mpl
class TestLeftOutCounted:
    @PLOTS
    @given(st.lists(_KINDS, min_size=1, max_size=11).map(lambda k: ["all"] * 3 + k))
    def test_score_distribution_counts_each_dimension(self, kinds: list[str]) -> None:
        """Whichever scores are missing, the title says how many customers
        each group of bars leaves out: the customers minus its bars."""
        from custseg import plot

        s = _scores(kinds)
        ax = plot.score_distribution(s, ax=_axes("default"))  # title as said
        note = ax.get_title().split("\n")[-1]
        said = _said(note, "RFM")
        for d, bars in zip("RFM", ax.containers, strict=True):
            drawn = sum(int(b.get_height()) for b in bars)
            assert said[d] == len(kinds) - drawn, (note, d, drawn)

    @PLOTS
    @given(st.lists(_KINDS, min_size=1, max_size=11).map(lambda k: ["all"] * 3 + k))
    def test_rf_heatmap_agrees(self, kinds: list[str]) -> None:
        """The R x F grid leaves out the customers without an R or F score,
        says how many, and calls them "without a score" only when they
        have none."""
        from custseg import plot

        s = _scores(kinds)
        ax = plot.rf_heatmap(s, ax=_axes("default"))  # title not wrapped
        lines = ax.get_title().split("\n")
        left = len(kinds) - int(np.asarray(ax.images[0].get_array()).sum())
        if not left:
            assert len(lines) == 1
            return
        assert max(_said(lines[-1], "RF").values()) == left, lines
        if "without a score" in lines[-1]:  # then none of them has a score
            assert not {"no_r", "no_rm"} & set(kinds), (lines, kinds)

    def test_worked_example(self) -> None:
        """Two customers without a monetary value: they are in the R and F
        bars and in the R x F grid, and only M says it leaves them out."""
        from custseg import plot

        s = custseg.rfm_scores(
            [3, 40, 200, 10, 5, 7],
            [12, 3, 1, 6, 2, 4],
            [900.0, 150.0, 20.0, 400.0, nan, nan],
            bins=2,
            nan="unknown",
        )
        ax = plot.score_distribution(s)
        assert (
            ax.get_title()
            == "Customers per score\n2 customers without an M score not shown"
        )
        heights = [[float(b.get_height()) for b in bars] for bars in ax.containers]
        assert heights == [[3.0, 3.0], [3.0, 3.0], [2.0, 2.0]]
        assert plot.rf_heatmap(s).get_title() == "Customers per R and F score"
        zh = plot.score_distribution(s, lang="zh").get_title()
        assert zh.endswith("未显示 2 位无 M 评分的客户")


# --------------------------------------------------------------------------
# 2. a heat map's numbers never run into the next cell, on any Axes


def _cells_touching(ax: Any, n_r: int, n_c: int) -> list[tuple[int, int]]:
    """Pairs of neighbouring cells (right, below) whose numbers overlap."""
    renderer = _drawn(ax.figure)
    texts = ax.texts[: n_r * n_c]
    boxes = [t.get_window_extent(renderer) for t in texts]
    out = []
    for pos, box in enumerate(boxes):
        if not texts[pos].get_text():
            continue
        i, j = divmod(pos, n_c)
        right, below = pos + 1, pos + n_c
        if j + 1 < n_c and texts[right].get_text() and box.x1 > boxes[right].x0:
            out.append((pos, right))
        if i + 1 < n_r and texts[below].get_text():
            lo, hi = sorted((box, boxes[below]), key=lambda b: b.y0)
            if lo.y1 > hi.y0:
                out.append((pos, below))
    return out


@needs_mpl
class TestCellNumbersApart:
    @PLOTS
    @given(
        st.integers(2, 24), _WHERE, st.sampled_from(["row", "none"]), st.integers(0, 9)
    )
    def test_transition_heatmap(
        self, k: int, where: str, normalize: str, seed: int
    ) -> None:
        """Shares or counts of up to 24 classes, on a figure of its own, on
        matplotlib's default figure or in a panel: no two numbers touch."""
        from custseg import plot

        rng = np.random.default_rng(seed)
        counts = rng.integers(0, 5000, (k, k)) + np.diag(rng.integers(1, 9000, k))
        names = tuple(f"c{i:02d}" for i in range(k))
        ax = plot.transition_heatmap(
            TransitionMatrix(counts, names, names), normalize=normalize, ax=_axes(where)
        )
        assert _cells_touching(ax, k, k) == []

    @PLOTS
    @given(st.integers(2, 40), _WHERE, st.booleans())
    # numbers a row apart, measured by their digits' ink, not the line box
    # matplotlib draws (audit 34: found by a later draw)
    @example(bins=31, where="2x2", monetary=False)
    @example(bins=32, where="2x3", monetary=False)
    def test_rf_heatmap(self, bins: int, where: str, monetary: bool) -> None:
        """Counts or mean amounts of up to 40 x 40 scores: no two touch."""
        from custseg import plot

        rng = np.random.default_rng(bins)
        n = 30 * bins
        m = rng.random(n) * 10_000
        s = custseg.rfm_scores(
            rng.integers(0, 900, n), rng.integers(1, 200, n), m, bins=bins
        )
        value = "monetary" if monetary else "customers"
        ax = plot.rf_heatmap(s, m, value=value, ax=_axes(where))
        kr, kf = np.asarray(ax.images[0].get_array()).shape
        assert _cells_touching(ax, kr, kf) == []

    def test_worked_example(self) -> None:
        """20 classes in row shares on matplotlib's default figure: every
        share written in whole percent (63%), none over the next."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        rng = np.random.default_rng(0)
        names = [f"c{i:02d}" for i in range(20)]
        b = rng.choice(names, 20000)
        a = np.where(rng.random(20000) < 0.6, b, rng.choice(names, 20000))
        tm = custseg.transition_matrix(b, a)
        fig, ax = plt.subplots()
        try:
            tm.plot(ax=ax, normalize="row")
            assert _cells_touching(ax, 20, 20) == []
            assert [t.get_text() for t in ax.texts[:3]] == ["63%", "2%", "2%"]
        finally:
            plt.close(fig)


# --------------------------------------------------------------------------
# 3. tick labels never touch: count axes and score axes


def _ticks_touching(ax: Any) -> list[tuple[str, str]]:
    """Neighbouring tick labels (of every Axes of the figure) that overlap."""
    renderer = _drawn(ax.figure)
    out = []
    for one in ax.figure.axes:
        for axis, across in ((one.xaxis, True), (one.yaxis, False)):
            shown = [
                (t.get_window_extent(renderer), t.get_text())
                for t in axis.get_ticklabels()
                if t.get_text() and t.get_visible()
            ]
            shown.sort(key=lambda p: p[0].x0 if across else p[0].y0)
            for (a, ta), (b, tb) in itertools.pairwise(shown):
                if (a.x1 > b.x0) if across else (a.y1 > b.y0):
                    out.append((ta, tb))
    return out


def _stage(n: int) -> Any:
    codes = np.zeros(n, dtype=np.int8)
    codes[: n // 3] = 1
    codes[:10] = 2
    return custseg.Labels(codes, ("active", "silent", "lost"), name="lifecycle")


@needs_mpl
class TestTickLabelsApart:
    @PLOTS
    @given(st.integers(1, 8), st.integers(1, 9), _WHERE)
    # 70,000 in a panel of a 2 x 3 or 3 x 3 grid: the axis, shrunk by the
    # layout to fit its neighbours' labels, was measured before it (six
    # ticks kept, their labels touching); the locator now measures it drawn
    @example(5, 7, "2x3")
    @example(7, 7, "3x3")
    def test_count_axes(self, digits: int, lead: int, where: str) -> None:
        """Counts of 1 to 9 digits on label_counts' x axis and the count and
        book axes of workload: the labels keep apart."""
        from custseg import plot

        n = max(lead * 10 ** (digits - 1), 12)
        ax = plot.label_counts(_stage(n), ax=_axes(where))
        assert _ticks_touching(ax) == []
        res = custseg.assign_owners(
            np.full(12, float(n)), ["amy", "bo", "cy"], current_owner=["amy"] * 12
        )
        assert _ticks_touching(plot.workload(res, ax=_axes(where))) == []

    @PLOTS
    @given(st.integers(2, 60), _WHERE)
    def test_score_axes(self, bins: int, where: str) -> None:
        """Up to 60 scores on score_distribution's and rf_heatmap's axes,
        in a panel too: fewer labels (1 and every 2nd, 5th ...) when the
        scores are too close for all of them."""
        from custseg import plot

        rng = np.random.default_rng(bins)
        n = 20 * bins
        s = custseg.rfm_scores(
            rng.integers(0, 900, n), rng.integers(1, 500, n), rng.random(n), bins=bins
        )
        ax = plot.score_distribution(s, ax=_axes(where))
        assert _ticks_touching(ax) == []
        labels = [int(t.get_text()) for t in ax.get_xticklabels() if t.get_text()]
        assert labels == sorted(labels) and set(labels) <= set(range(1, bins + 1))
        assert _ticks_touching(plot.rf_heatmap(s, ax=_axes(where))) == []

    def test_worked_example(self) -> None:
        """150,000 customers in a panel of a 2 x 3 dashboard, 10 million on
        a figure of their own: the customer axis' labels keep apart."""
        from custseg import plot

        ax = plot.label_counts(_stage(150_000), ax=_axes("2x3"))
        assert _ticks_touching(ax) == []
        ax = plot.label_counts(_stage(10_000_000))
        assert _ticks_touching(ax) == []
        shown = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert shown[:2] == ["0", "2,000,000"]


# --------------------------------------------------------------------------
# 4. marks that stand out under any style


def _ground(ax: Any) -> np.ndarray:
    from matplotlib.colors import to_rgba

    rgb = np.ones(3)
    for layer in (ax.figure, ax):
        *c, a = to_rgba(layer.get_facecolor())
        rgb = a * np.asarray(c) + (1 - a) * rgb
    return rgb


def _contrast(a: Any, b: Any) -> float:
    from matplotlib.colors import to_rgb

    def lum(color: Any) -> float:
        c = np.asarray(to_rgb(color))
        c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(c @ [0.2126, 0.7152, 0.0722])

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@contextmanager
def _style(name: str, face: str | None) -> Iterator[None]:
    import matplotlib
    import matplotlib.style

    with matplotlib.style.context(name):
        rc = {} if face is None else {"axes.facecolor": face, "figure.facecolor": face}
        with matplotlib.rc_context(rc):
            yield


_STYLES = st.sampled_from(
    ["default", "dark_background", "Solarize_Light2", "seaborn-v0_8-darkgrid", "ggplot"]
)
_FACES = st.one_of(
    st.none(),
    st.sampled_from(["black", "white", "#202020", "#808080", "#1b2a49", "#f5f0e1"]),
)


def _marks(style: str, face: str | None) -> dict[str, tuple[Any, Any, float]]:
    """The marks of each plot custseg colours itself: colour, background,
    the least contrast it needs (a faded note less than a mark)."""
    from custseg import plot

    with _style(style, face):
        res = custseg.assign_owners(
            [100, 90, 80, 70, 60, 50], ["amy", "bo", "cy"], current_owner=["amy"] * 6
        )
        wl = plot.workload(res)
        lz = plot.lorenz([80, 5, 5, 5, 5])
        tm = plot.transition_heatmap(
            custseg.transition_matrix(
                pd.Series(pd.Categorical(["a", "a"], ["a", "b"]), index=["x", "y"]),
                pd.Series(["a", "b"], index=["x", "z"]),
            )
        )
        empty = plot.label_counts(pd.Series([], dtype=object))
        facts = custseg.summarize(["a", "b"], ["2024-03-01", "2024-03-02"], [1.0, 2.0])
        table = custseg.segment_summary(
            custseg.lifecycle_stage(facts.recency_days), facts
        )
        sizes = plot.segment_sizes(table)
    out: dict[str, tuple[Any, Any, float]] = {}
    for i, c in enumerate(wl.collections + wl.figure.axes[1].collections):
        out[f"fair share {i}"] = (c.get_edgecolor()[0], _ground(wl), 3.0)
    for i, line in enumerate(lz.lines[-2:]):
        out[f"lorenz {i}"] = (line.get_color(), _ground(lz), 3.0)
    letters = [t for t in lz.texts if t.get_text() in ("A", "B", "C")]
    out["abc letter"] = (letters[0].get_color(), _ground(lz), 3.0)
    no_row = next(t for t in tm.texts if t.get_text() == "no customers")
    out["no customers row"] = (
        no_row.get_color(),
        no_row.get_bbox_patch().get_facecolor(),
        2.0,
    )
    out["note"] = (tm.texts[-1].get_color(), _ground(tm), 2.0)
    out["empty"] = (empty.texts[-1].get_color(), _ground(empty), 2.0)
    out["zero line"] = (sizes.lines[0].get_color(), _ground(sizes), 3.0)
    for ax in (wl, lz, tm, empty, sizes):
        import matplotlib.pyplot as plt

        plt.close(ax.figure)
    return out


@needs_mpl
class TestMarksStandOut:
    @PLOTS
    @given(_STYLES, _FACES)
    def test_every_mark(self, style: str, face: str | None) -> None:
        """Under a style sheet, and with any face colour, each mark custseg
        colours itself contrasts with what it is drawn on."""
        for name, (color, ground, least) in _marks(style, face).items():
            assert _contrast(color, ground) >= least, (name, color, ground)

    def test_worked_example(self) -> None:
        """dark_background: the fair-share ticks, the 80% point and its
        guides are light, not black on black."""
        marks = _marks("dark_background", None)
        for name in ("fair share 0", "lorenz 0", "lorenz 1"):
            color, ground, _least = marks[name]
            assert _contrast(color, ground) >= 4.5, name


# --------------------------------------------------------------------------
# 5. the book axis scales to the book


@needs_mpl
class TestBookAxis:
    @PLOTS
    @given(st.integers(-8, 9), st.lists(st.integers(1, 999), min_size=2, max_size=8))
    def test_scaled_to_the_book(self, power: int, values: list[int]) -> None:
        """Book values of any magnitude fill most of the book axis, which
        has distinct tick labels in view (whole numbers when at least two
        fit, else fractions: 0.001, 0.002 ...)."""
        from custseg import plot

        amounts = [v * 10.0**power for v in values]
        res = custseg.assign_owners(amounts, ["amy", "bo"])
        ax = plot.workload(res)
        twin = next(a for a in ax.figure.axes if a is not ax)
        lo, hi = twin.get_ylim()
        top = max(max(res.book_after), max(res.fair_book))
        assert lo == 0 and 1.0 <= hi / top <= 1.5, (hi, top)
        _drawn(ax.figure)
        shown = [
            t.get_text()
            for t, loc in zip(twin.get_yticklabels(), twin.get_yticks(), strict=True)
            if lo <= loc <= hi
        ]
        assert len(set(shown)) == len(shown) >= 2, shown

    def test_worked_example(self) -> None:
        """A book of 0.004 .. 0.001 (ten-thousands of yuan): the bars reach
        three quarters of the axis, not 0.4% of it."""
        from custseg import plot

        res = custseg.assign_owners([0.004, 0.003, 0.002, 0.001], ["amy", "bo"])
        ax = plot.workload(res)
        twin = next(a for a in ax.figure.axes if a is not ax)
        heights = [b.get_height() / twin.get_ylim()[1] for b in twin.containers[0]]
        assert heights == pytest.approx([1 / 1.3, 1 / 1.3])


# --------------------------------------------------------------------------
# 6. no font-lookup noise on a figure passed in


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _font_log() -> Iterator[list[str]]:
    """The font manager's warnings meanwhile, its cache of lookups emptied
    first (it logs a lookup once)."""
    from matplotlib import font_manager

    font_manager.FontManager._findfont_cached.cache_clear()  # type: ignore[attr-defined]
    logger = logging.getLogger("matplotlib.font_manager")
    handler = _Records()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def _weight_noise_possible() -> bool:
    """Whether drawing with custseg's fonts logs a missing weight here (a
    CJK font of one weight, WenQuanYi Zen Hei, is installed)."""
    from matplotlib.figure import Figure

    from custseg.plot import cjk_fonts

    fig = Figure()
    fig.text(0.5, 0.5, "x", fontfamily=["DejaVu Sans", *cjk_fonts(), "sans-serif"])
    with _font_log() as messages:
        fig.savefig(io.BytesIO(), format="png")
    return any("Failed to find font weight" in m for m in messages)


_ON_AX: dict[str, Callable[[Any, str], Any]] = {
    "label_counts": lambda ax, lang: custseg.plot.label_counts(
        pd.Series(["a", "b", "活跃"]), ax=ax, lang=lang
    ),
    "score_distribution": lambda ax, lang: custseg.plot.score_distribution(
        custseg.rfm_scores(
            [3, 40, 200, 10], [12, 1, 1, 6], [9.0, 1.0, 2.0, 4.0], bins=2
        ),
        ax=ax,
        lang=lang,
    ),
    "lorenz": lambda ax, lang: custseg.plot.lorenz([80, 5, 5, 5, 5], ax=ax, lang=lang),
    "transition_heatmap": lambda ax, lang: custseg.plot.transition_heatmap(
        custseg.transition_matrix(["a", "b"], ["b", "b"]), ax=ax, lang=lang
    ),
    "workload": lambda ax, lang: custseg.plot.workload(
        custseg.assign_owners([3.0, 2.0, 1.0], ["amy", "bo"]), ax=ax, lang=lang
    ),
}


@needs_mpl
class TestQuietFonts:
    @PLOTS
    @given(
        st.sampled_from(sorted(_ON_AX)), st.sampled_from(["en", "zh"]), st.booleans()
    )
    def test_figure_passed_in(self, name: str, lang: str, pdf: bool) -> None:
        """Any plot, English or Chinese, on a figure of the caller's, saved
        as PNG or PDF: the font manager says nothing."""
        from matplotlib.figure import Figure

        import custseg.plot  # noqa: F401  (the table above reads it)

        if not _weight_noise_possible():
            pytest.skip("no font of a single weight among the CJK fonts")
        with _font_log() as messages:
            ax = Figure().add_subplot()
            _ON_AX[name](ax, lang)
            ax.figure.savefig(io.BytesIO(), format="pdf" if pdf else "png")
            ax.figure.savefig(io.BytesIO(), format="png")
        assert messages == []

    def test_worked_example(self) -> None:
        """label_counts of two ASCII names on pyplot's figure, saved."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from custseg import plot

        if not _weight_noise_possible():
            pytest.skip("no font of a single weight among the CJK fonts")
        with _font_log() as messages:
            fig, ax = plt.subplots()
            plot.label_counts(pd.Series(["a", "b"]), ax=ax)
            fig.savefig(io.BytesIO())
            plt.close(fig)
        assert messages == []
        assert logging.getLogger("matplotlib.font_manager").filters == []


# --------------------------------------------------------------------------
# minor: means of amounts near the float range; fair-share ticks per column


@needs_mpl
class TestHugeMeans:
    @PLOTS
    @given(
        st.lists(st.floats(1e306, 1.7e308, allow_nan=False), min_size=4, max_size=12)
    )
    def test_means_are_finite_and_right(self, amounts: list[float]) -> None:
        """Amounts whose sums pass the float range: each cell shows its
        mean (within the rounding of three digits), and no NumPy warning
        (pytest makes warnings errors)."""
        from custseg import _display, plot

        n = len(amounts)
        s = custseg.rfm_scores(
            list(range(1, n + 1)), [1 + i % 3 for i in range(n)], amounts, bins=2
        )
        ax = plot.rf_heatmap(s, amounts, value="monetary")
        r, f = s.r.astype(int), s.f.astype(int)
        for pos, t in enumerate(ax.texts[:4]):
            i, j = divmod(pos, 2)
            inside = [
                Fraction(a)
                for a, ri, fi in zip(amounts, r, f, strict=True)
                if (ri, fi) == (i + 1, j + 1)
            ]
            if not inside:
                assert t.get_text() == ""
                continue
            mean = float(sum(inside) / len(inside))
            assert math.isfinite(float(t.get_text()))
            assert float(t.get_text()) == pytest.approx(mean, rel=6e-3), (
                t.get_text(),
                _display.compact(mean),
            )

    def test_worked_example(self) -> None:
        """Four amounts of 1e308 to 1.7e308: means, not 'inf'."""
        from custseg import plot

        m = [1.5e308, 1.6e308, 1.7e308, 1e308]
        s = custseg.rfm_scores([1, 2, 3, 4], [1, 1, 1, 1], m, bins=2)
        ax = plot.rf_heatmap(s, m, value="monetary")
        assert "inf" not in [t.get_text() for t in ax.texts]


@needs_mpl
class TestFairShareTicks:
    @PLOTS
    @given(st.integers(2, 120))
    def test_no_wider_than_a_bar(self, k: int) -> None:
        """With any number of staff, each fair-share tick is at most as
        wide as its bar: ticks of neighbouring columns never merge."""
        from custseg import plot

        staff = [f"s{i:03d}" for i in range(k)]
        res = custseg.assign_owners(np.arange(1.0, 3 * k + 1), staff)
        ax = plot.workload(res)
        renderer = _drawn(ax.figure)
        bar = ax.containers[0][0].get_window_extent(renderer).width
        tick = math.sqrt(ax.collections[0].get_sizes()[0]) * ax.figure.dpi / 72
        assert tick <= bar * 1.02, (tick, bar)

    def test_worked_example(self) -> None:
        """40 staff on a figure of 13 inches: ticks narrower than 20 points."""
        from custseg import plot

        staff = [f"s{i:03d}" for i in range(40)]
        res = custseg.assign_owners(np.arange(1.0, 121.0), staff)
        ax = plot.workload(res)
        assert math.sqrt(ax.collections[0].get_sizes()[0]) < 20
