"""custseg.plot: what each picture draws, checked against the data (not pixels)."""

from __future__ import annotations

import io
import re
import sys
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

mpl = pytest.importorskip("matplotlib", reason="needs the plot extra (matplotlib)")

from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import custseg  # noqa: E402
from custseg import _display, plot  # noqa: E402
from custseg.errors import (  # noqa: E402
    CustsegError,
    CustsegWarning,
    InputError,
    ThresholdError,
)
from custseg.labels import Labels  # noqa: E402

ZH_STAGES = ("活跃", "沉默", "沉睡", "流失", "未购买")


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    """A small simulated store and every result the plots take."""
    tx = custseg.datasets.simulate_transactions(400, seed=3)
    facts = custseg.summarize(tx.customer_id, tx.date, tx.amount)
    early = tx[tx.date < "2024-07-01"]
    f1 = custseg.summarize(
        early.customer_id, early.date, early.amount, as_of="2024-07-01"
    )
    before = custseg.lifecycle_stage(pd.Series(f1.recency_days, index=f1.customer_id))
    after = custseg.lifecycle_stage(
        pd.Series(facts.recency_days, index=facts.customer_id)
    )
    stage = custseg.lifecycle_stage(facts.recency_days)
    return {
        "facts": facts,
        "scores": custseg.rfm_scores(
            facts.recency_days, facts.frequency, facts.monetary, nan="unknown"
        ),
        "stage": stage,
        "summary": custseg.segment_summary(stage, facts),
        "tm": custseg.transition_matrix(before, after),
        "assignment": custseg.assign_owners(
            np.clip(facts.monetary, 0, None), ["amy", "bo", "李雷"]
        ),
    }


def _draw(name: str, demo: dict[str, Any], **kw: Any) -> Axes:
    """Call plot function *name* on its demo input."""
    args = {
        "segment_sizes": (demo["summary"],),
        "rf_heatmap": (demo["scores"],),
        "score_distribution": (demo["scores"],),
        "lorenz": (demo["facts"],),
        "label_counts": (demo["stage"],),
        "transition_heatmap": (demo["tm"],),
        "workload": (demo["assignment"],),
    }[name]
    return getattr(plot, name)(*args, **kw)  # type: ignore[no-any-return]


FUNCTIONS = [
    "segment_sizes",
    "rf_heatmap",
    "score_distribution",
    "lorenz",
    "label_counts",
    "transition_heatmap",
    "workload",
]


def _widths(ax: Axes, i: int = 0) -> list[float]:
    return [float(p.get_width()) for p in ax.containers[i]]  # type: ignore[attr-defined]


def _heights(ax: Axes, i: int = 0) -> list[float]:
    return [float(p.get_height()) for p in ax.containers[i]]  # type: ignore[attr-defined]


def _ticks(labels: Any) -> list[str]:
    return [t.get_text() for t in labels]


def _png(ax: Axes) -> None:
    ax.figure.savefig(io.BytesIO(), format="png", dpi=40)


# names custseg gives: the ecommerce preset's 11 RFM segments, its Chinese
# names, the 8 Chinese RFM types, and the statuses (the longest names drawn)
RFM11 = {
    "en": (
        "Champions",
        "Loyal",
        "Potential Loyalist",
        "New",
        "Promising",
        "Need Attention",
        "About to Sleep",
        "Can't Lose Them",
        "At Risk",
        "Lost",
        "Hibernating",
        "Unscored",
    ),
    "zh": (
        "冠军客户",
        "忠诚客户",
        "潜力客户",
        "新客户",
        "有望客户",
        "需要关注",
        "即将沉睡",
        "不能失去",
        "流失风险",
        "已流失",
        "沉睡客户",
        "未评分",
    ),
}
RFM8_ZH = (
    "未评分",
    "重要价值客户",
    "重要发展客户",
    "重要保持客户",
    "重要挽留客户",
    "一般价值客户",
    "一般发展客户",
    "一般保持客户",
    "一般挽留客户",
)
LONG = {"en": RFM11["en"], "zh": RFM8_ZH}


def _long_labels(names: tuple[str, ...], n: int, seed: int = 0) -> Labels:
    """n customers over *names*, the last class empty."""
    rng = np.random.default_rng(seed)
    return Labels(rng.integers(0, len(names) - 1, n), names, ordered=True)


def _long_tm(lang: str) -> Any:
    """Long names matched by id: some customers new, some gone, one class empty before."""
    names = LONG[lang]
    rng = np.random.default_rng(1)
    ids = [f"c{i}" for i in range(300)]
    before = pd.Series(
        pd.Categorical(
            np.array(names, dtype=object)[rng.integers(1, len(names), 250)],
            categories=list(names),
        ),
        index=ids[:250],
    )
    after = pd.Series(
        pd.Categorical(
            np.array(names, dtype=object)[rng.integers(0, len(names), 260)],
            categories=list(names),
        ),
        index=ids[40:],
    )
    return custseg.transition_matrix(before, after)


def _status_tm(lang: str) -> Any:
    """Status classes (重复购买, 忠诚VIP, no_purchase), matched by id."""
    tx = custseg.datasets.simulate_transactions(200, seed=5)
    tx["customer_id"] = tx.customer_id.astype(str)

    def status(t: pd.DataFrame, as_of: str) -> Labels:
        frame = custseg.summarize(
            t.customer_id, t.date, t.amount, as_of=as_of
        ).to_pandas()
        return custseg.customer_status(
            frame.frequency, frame.tenure_days, frame.recency_days, lang=lang
        )

    return custseg.transition_matrix(
        status(tx[tx.date < "2024-07-01"], "2024-07-01"), status(tx, "2024-12-31")
    )


def _new_ax(size: tuple[float, float] | None) -> Axes | None:
    """None (a new figure of the plot's own size), or an Axes of a
    constrained figure of *size* inches, as the HTML report makes."""
    if size is None:
        return None
    return Figure(figsize=size, layout="constrained").add_subplot()


def _drawn(ax: Axes) -> Any:
    """Draw *ax*'s figure (layout included) on an Agg canvas; its renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    ax.figure.set_dpi(50)  # sizes are in points: a coarser raster is enough, and fast
    canvas = FigureCanvasAgg(ax.figure)  # type: ignore[arg-type]
    canvas.draw()
    return canvas.get_renderer()


def _box(text: Any, renderer: Any) -> tuple[np.ndarray, float, float, float]:
    """The drawn rectangle of a text: centre, angle, width and height (pixels).

    The window extent of a turned text is the upright box around the turned
    rectangle, with the same centre; the rectangle's own width and height
    are those of the text level.
    """
    ext = text.get_window_extent(renderer)
    rotation = text.get_rotation()
    text.set_rotation(0)
    flat = text.get_window_extent(renderer)
    text.set_rotation(rotation)
    centre = np.array([(ext.x0 + ext.x1) / 2, (ext.y0 + ext.y1) / 2])
    return centre, float(np.deg2rad(rotation)), flat.width, flat.height


def _touching(texts: Any, renderer: Any) -> list[tuple[str, str]]:
    """Pairs of texts whose drawn rectangles overlap.

    Level texts: their bounding boxes (``get_window_extent``). Turned ones
    (all by the same angle, as tick labels are): the rectangles are compared
    along the text and across it, as the upright boxes of two parallel
    turned labels overlap even when the labels do not.
    """
    boxes = [(t.get_text(), _box(t, renderer)) for t in texts if t.get_text()]
    out = []
    for i, (a, (ca, ta, wa, ha)) in enumerate(boxes):
        for b, (cb, tb, wb, hb) in boxes[i + 1 :]:
            assert ta == tb, "labels turned by different angles"
            along = np.array([np.cos(ta), np.sin(ta)])
            across = np.array([-np.sin(ta), np.cos(ta)])
            d = cb - ca
            if abs(d @ along) < (wa + wb) / 2 and abs(d @ across) < (ha + hb) / 2:
                out.append((a, b))
    return out


def _assert_inside(ax: Axes, renderer: Any) -> None:
    """Everything drawn for every Axes of the figure is inside the figure."""
    fig = ax.figure
    for one in fig.axes:
        box = one.get_tightbbox(renderer)
        assert box is not None
        assert box.x0 >= -1 and box.y0 >= -1, (one.get_title(), box)
        assert box.x1 <= fig.bbox.x1 + 1 and box.y1 <= fig.bbox.y1 + 1, (
            one.get_title(),
            box,
            fig.bbox,
        )


class TestEveryFunction:
    @pytest.mark.parametrize("name", FUNCTIONS)
    def test_new_figure_outside_pyplot(self, name: str, demo: dict[str, Any]) -> None:
        """Without ax= a new Figure is made, not registered with pyplot."""
        import matplotlib.pyplot as plt

        before = plt.get_fignums()
        ax = _draw(name, demo)
        assert isinstance(ax, Axes) and isinstance(ax.figure, Figure)
        assert plt.get_fignums() == before

    @pytest.mark.parametrize("name", FUNCTIONS)
    def test_ax_is_honoured(self, name: str, demo: dict[str, Any]) -> None:
        """ax= is drawn on and returned."""
        fig = Figure()
        ax = fig.add_subplot()
        assert _draw(name, demo, ax=ax) is ax
        assert ax.get_title()

    @pytest.mark.parametrize("name", FUNCTIONS)
    def test_ax_must_be_axes(self, name: str, demo: dict[str, Any]) -> None:
        """Anything else as ax= is an InputError naming 'ax'."""
        with pytest.raises(InputError, match="'ax'"):
            _draw(name, demo, ax="left")

    @pytest.mark.parametrize("name", FUNCTIONS)
    def test_unknown_lang(self, name: str, demo: dict[str, Any]) -> None:
        """An unknown lang is a ThresholdError naming 'lang'."""
        with pytest.raises(ThresholdError, match="'lang' must be 'en' or 'zh'"):
            _draw(name, demo, lang="fr")

    @pytest.mark.parametrize("name", FUNCTIONS)
    def test_zh_titles_and_labels(self, name: str, demo: dict[str, Any]) -> None:
        """lang='zh' gives Chinese titles and axis labels; en gives none."""
        cjk = re.compile(r"[\u4e00-\u9fff]")
        zh = _draw(name, demo, lang="zh")
        en = _draw(name, demo, lang="en")
        assert cjk.search(zh.get_title())
        assert cjk.search(zh.get_xlabel() + zh.get_ylabel())
        assert not cjk.search(en.get_title() + en.get_xlabel() + en.get_ylabel())

    @pytest.mark.parametrize("name", FUNCTIONS)
    def test_png_draws_without_warnings(self, name: str, demo: dict[str, Any]) -> None:
        """Drawing to PNG (en and zh) gives no warning when a CJK font exists."""
        if not plot.cjk_fonts():
            pytest.skip("no CJK font on this machine")
        for lang in ("en", "zh"):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                _png(_draw(name, demo, lang=lang))

    @pytest.mark.parametrize("name", FUNCTIONS)
    def test_missing_matplotlib(
        self, name: str, demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without matplotlib: a custseg error that names the extra."""
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        with pytest.raises(CustsegError, match=r"pip install 'custseg\[plot\]'") as err:
            _draw(name, demo)
        assert isinstance(err.value, ImportError)


class TestSegmentSizes:
    def test_bars_are_the_shares(self, demo: dict[str, Any]) -> None:
        """Bars are customer_share and revenue_share in %, in row order, no Total."""
        table = demo["summary"]
        ax = plot.segment_sizes(table)
        rows = table.drop(index="Total")
        assert _ticks(ax.get_yticklabels()) == list(rows.index)
        np.testing.assert_allclose(_widths(ax, 0), 100 * rows.customer_share)
        np.testing.assert_allclose(_widths(ax, 1), 100 * rows.revenue_share)

    def test_first_class_on_top(self, demo: dict[str, Any]) -> None:
        """The frame's first row is drawn at the top."""
        ax = plot.segment_sizes(demo["summary"])
        ys = [p.get_y() for p in ax.containers[0]]  # type: ignore[attr-defined]
        lo, hi = ax.get_ylim()
        assert lo > hi and ys == sorted(ys)

    def test_title_and_labels(self, demo: dict[str, Any]) -> None:
        """Default titles per language, title= wins."""
        assert plot.segment_sizes(demo["summary"]).get_title() == (
            "Customers and revenue per class"
        )
        zh = plot.segment_sizes(demo["summary"], lang="zh")
        assert zh.get_title() == "各类客户数与收入占比"
        assert [t.get_text() for t in zh.get_legend().get_texts()] == ["客户", "收入"]
        assert plot.segment_sizes(demo["summary"], title="Q3").get_title() == "Q3"

    def test_chinese_class_names(self, demo: dict[str, Any]) -> None:
        """Chinese class names are the tick labels, in order."""
        stage = demo["stage"]
        zh = Labels(stage.codes, ZH_STAGES, ordered=True, name="阶段")
        table = custseg.segment_summary(zh, demo["facts"])
        ax = plot.segment_sizes(table, lang="zh")
        assert _ticks(ax.get_yticklabels()) == list(ZH_STAGES)

    def test_total_none_keeps_every_row(self, demo: dict[str, Any]) -> None:
        """total=None draws the total row too."""
        ax = plot.segment_sizes(demo["summary"], total=None)
        assert _ticks(ax.get_yticklabels())[-1] == "Total"

    def test_frame_without_a_share_column(self, demo: dict[str, Any]) -> None:
        """A frame without customer_share is an InputError naming 'summary'."""
        bad = demo["summary"].drop(columns="customer_share")
        with pytest.raises(
            InputError, match="'summary' has no column 'customer_share'"
        ):
            plot.segment_sizes(bad)

    def test_not_a_frame(self) -> None:
        """A non-frame is an InputError naming 'summary'."""
        with pytest.raises(InputError, match="'summary' must be a DataFrame"):
            plot.segment_sizes([0.5, 0.5])

    @settings(max_examples=25, deadline=None)
    @given(
        shares=st.lists(
            st.tuples(st.floats(0, 1), st.floats(-0.2, 1)), min_size=1, max_size=8
        ),
        data=st.data(),
    )
    def test_any_summary(self, shares: list[tuple[float, float]], data: Any) -> None:
        """For any frame of shares, bar lengths are the shares in % and ticks the names."""
        names = data.draw(
            st.lists(
                st.text(min_size=1, max_size=6).filter(
                    lambda s: s.strip() and s != "Total" and "$" not in s
                ),
                min_size=len(shares),
                max_size=len(shares),
                unique=True,
            )
        )
        frame = pd.DataFrame(
            {
                "customer_share": [c for c, _ in shares],
                "revenue_share": [r for _, r in shares],
            },
            index=pd.Index(names, dtype=object),
        )
        ax = plot.segment_sizes(frame)
        np.testing.assert_allclose(_widths(ax, 0), 100 * frame.customer_share)
        np.testing.assert_allclose(_widths(ax, 1), 100 * frame.revenue_share)
        # drawn as the report shows them: controls and hidden blanks as code points
        shown = [_display.shown_name(n, surrogates=True) for n in names]
        assert _ticks(ax.get_yticklabels()) == shown


class TestRfHeatmap:
    def test_cells_are_the_crosstab(self, demo: dict[str, Any]) -> None:
        """Cell (i, j) holds the customers with R = i + 1 and F = j + 1."""
        s = demo["scores"]
        ax = plot.rf_heatmap(s)
        grid = np.asarray(ax.images[0].get_array())
        frame = s.to_pandas().dropna(subset=["r", "f"])
        expected = (
            pd.crosstab(frame.r, frame.f)
            .reindex(index=range(1, 6), columns=range(1, 6), fill_value=0)
            .to_numpy()
        )
        np.testing.assert_array_equal(grid, expected)
        assert [t.get_text() for t in ax.texts] == [f"{c:,d}" for c in expected.ravel()]

    def test_monetary_means(self, demo: dict[str, Any]) -> None:
        """value='monetary' gives the mean monetary value per cell."""
        s, facts = demo["scores"], demo["facts"]
        ax = plot.rf_heatmap(s, facts.monetary, value="monetary")
        grid = np.ma.filled(ax.images[0].get_array(), np.nan)
        frame = s.to_pandas().assign(m=facts.monetary).dropna(subset=["r", "f"])
        means = (
            frame.groupby(["r", "f"])
            .m.mean()
            .unstack()
            .reindex(index=range(1, 6), columns=range(1, 6))
        ).to_numpy(dtype=float)
        np.testing.assert_allclose(grid, means)
        assert ax.get_title().startswith("Mean monetary value")

    def test_customers_without_score_are_said(self) -> None:
        """Unscored customers are left out of the cells and counted in the title."""
        s = custseg.rfm_scores(
            [3, 40, 200, float("nan"), float("nan")],
            [5, 3, 1, 0, 0],
            [90.0, 50.0, 20.0, 0.0, -5.0],
            bins=2,
            nan="unknown",
        )
        ax = plot.rf_heatmap(s)
        assert int(np.asarray(ax.images[0].get_array()).sum()) == 3
        assert ax.get_title().endswith("2 customers without a score not shown")
        zh = plot.rf_heatmap(s, lang="zh")
        assert zh.get_title().endswith("未显示 2 位无评分客户")
        assert zh.get_ylabel() == "R 评分（最近一次消费）"

    def test_unequal_bins(self) -> None:
        """The grid has one row per R score and one column per F score."""
        s = custseg.rfm_scores(
            np.arange(60.0), np.arange(60) % 7, np.arange(60.0), bins=(3, 2, 4)
        )
        ax = plot.rf_heatmap(s)
        assert np.asarray(ax.images[0].get_array()).shape == (3, 2)
        assert _ticks(ax.get_yticklabels()) == ["1", "2", "3"]
        assert _ticks(ax.get_xticklabels()) == ["1", "2"]

    def test_wrong_inputs(self, demo: dict[str, Any]) -> None:
        """Wrong scores, value or monetary give custseg errors naming them."""
        s = demo["scores"]
        with pytest.raises(InputError, match="'scores' must be RfmScores"):
            plot.rf_heatmap(s.to_pandas())
        with pytest.raises(ThresholdError, match="'value'"):
            plot.rf_heatmap(s, value="revenue")
        with pytest.raises(InputError, match="'monetary' is needed"):
            plot.rf_heatmap(s, value="monetary")
        with pytest.raises(InputError, match="'monetary'"):
            plot.rf_heatmap(s, [1.0, 2.0], value="monetary")

    def test_monetary_on_another_index(self) -> None:
        """A monetary Series on another index than the scores is refused."""
        idx = pd.Index(["a", "b", "c", "d"])
        r = pd.Series([1.0, 5.0, 9.0, 20.0], index=idx)
        s = custseg.rfm_scores(r, r, r, bins=2)
        with pytest.raises(InputError, match="another index"):
            plot.rf_heatmap(s, pd.Series([1.0, 2, 3, 4]), value="monetary")


class TestScoreDistribution:
    def test_bars_count_the_scores(self, demo: dict[str, Any]) -> None:
        """Bars of R, F and M are the customers per score 1..k."""
        s = demo["scores"]
        ax = plot.score_distribution(s)
        for i, arr in enumerate((s.r, s.f, s.m)):
            assert _heights(ax, i) == np.bincount(arr, minlength=6)[1:].tolist()
        assert _ticks(ax.get_xticklabels()) == ["1", "2", "3", "4", "5"]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["R (recency)", "F (frequency)", "M (monetary)"]

    def test_unequal_bins_and_unknown(self) -> None:
        """A shorter scale has zero bars above it; unscored customers are said."""
        s = custseg.rfm_scores(
            [*np.arange(40.0), np.nan],
            [*(np.arange(40) % 5 + 1), 0],  # (frequency 0: no purchase, no score)
            [*np.arange(40.0), 0.0],
            bins=(4, 2, 3),
            nan="unknown",
        )
        ax = plot.score_distribution(s)
        assert len(ax.containers[0]) == 4  # type: ignore[arg-type]
        assert _heights(ax, 1)[2:] == [0.0, 0.0]
        assert sum(_heights(ax, 0)) == 40
        assert ax.get_title().endswith("1 customer without a score not shown")

    def test_not_scores(self) -> None:
        """Anything but RfmScores is an InputError naming 'scores'."""
        with pytest.raises(InputError, match="'scores'"):
            plot.score_distribution([1, 2, 3])


class TestLorenz:
    def test_curve_is_the_lorenz_curve_from_the_top(self, demo: dict[str, Any]) -> None:
        """The curve is 1 - L(1 - x) in percent, from (0, 0) to (100, 100)."""
        m = demo["facts"].monetary
        x, y = custseg.lorenz_curve(m)
        xy = plot.lorenz(m).lines[0].get_xydata()
        np.testing.assert_allclose(xy[:, 0], 100 * (1 - x[::-1]))
        np.testing.assert_allclose(xy[:, 1], 100 * (1 - y[::-1]))
        assert tuple(xy[0]) == (0.0, 0.0) and tuple(xy[-1]) == (100.0, 100.0)

    def test_pareto_point_and_facts(self, demo: dict[str, Any]) -> None:
        """The 80/20 point is pareto_summary's; CustomerFacts give their monetary."""
        facts = demo["facts"]
        ps = custseg.pareto_summary(facts.monetary)
        ax = plot.lorenz(facts)
        note = ax.texts[-1].get_text()
        assert note == (
            f"{100 * ps.customers_for_value_share:.1f}% of customers give 80% of revenue"
        )
        zh = plot.lorenz(facts, lang="zh")
        assert zh.texts[-1].get_text().endswith("的客户贡献 80% 的收入")

    def test_abc_bands(self, demo: dict[str, Any]) -> None:
        """The A, B and C bands span the share of customers in each class."""
        m = demo["facts"].monetary
        cut = custseg.AbcCutoffs(0.7, 0.9)
        ax = plot.lorenz(m, cutoffs=cut)
        classes = custseg.abc_classes(m, edges=custseg.abc_edges(m, cut)).counts()
        n = len(m)
        bounds = np.cumsum([0, classes["A"], classes["B"], classes["C"]]) / n * 100
        spans = ax.patches[:3]
        np.testing.assert_allclose([p.get_x() for p in spans], bounds[:3])
        np.testing.assert_allclose([p.get_width() for p in spans], np.diff(bounds))
        assert [t.get_text() for t in ax.texts[:3]] == ["A", "B", "C"]
        assert ax.texts[-1].get_text().endswith("give 70% of revenue")

    def test_wrong_inputs(self) -> None:
        """NaN values, no positive value and bad cutoffs give custseg errors."""
        with pytest.raises(InputError, match="'values'"):
            plot.lorenz([1.0, float("nan")])
        with pytest.raises(InputError, match="'values'"):
            plot.lorenz([0.0, -3.0])
        with pytest.raises(ThresholdError, match="'cutoffs'"):
            plot.lorenz([1.0, 2.0], cutoffs=(0.8, 0.95))


class TestLabelCounts:
    def test_every_class_in_order(self, demo: dict[str, Any]) -> None:
        """One bar per class, in label order, empty classes too."""
        stage = demo["stage"]
        ax = plot.label_counts(stage)
        assert _ticks(ax.get_yticklabels()) == list(stage.names)
        assert _widths(ax) == [float(c) for c in stage.counts().values()]
        assert ax.get_title() == "Customers per class: lifecycle"
        assert ax.get_xlabel() == "customers"

    def test_chinese_labels(self) -> None:
        """Chinese class names from the data, Chinese title from lang."""
        lab = Labels([0, 4, 4, 1], ZH_STAGES, ordered=True, name="阶段")
        ax = plot.label_counts(lab, lang="zh")
        assert _ticks(ax.get_yticklabels()) == list(ZH_STAGES)
        assert _widths(ax) == [1.0, 1.0, 0.0, 0.0, 2.0]
        assert ax.get_title() == "各类客户数：阶段"

    def test_missing_gets_its_own_bar(self) -> None:
        """Missing values of a Series are counted in a last bar of their own."""
        s = pd.Series(["vip", None, "basic", "vip", np.nan], name="tier")
        ax = plot.label_counts(s)
        assert _ticks(ax.get_yticklabels()) == ["basic", "vip", "missing"]
        assert _widths(ax) == [1.0, 2.0, 2.0]
        zh = plot.label_counts(s, lang="zh")
        assert _ticks(zh.get_yticklabels())[-1] == "缺失"
        named = plot.label_counts(s, missing="no answer")
        assert _ticks(named.get_yticklabels())[-1] == "no answer"

    def test_categorical_keeps_its_order(self) -> None:
        """A categorical Series keeps its categories' order, unused ones too."""
        cat = pd.Series(
            pd.Categorical(["hi", "lo"], categories=["lo", "mid", "hi"], ordered=True)
        )
        ax = plot.label_counts(cat, title="Tiers")
        assert _ticks(ax.get_yticklabels()) == ["lo", "mid", "hi"]
        assert _widths(ax) == [1.0, 0.0, 1.0]
        assert ax.get_title() == "Tiers"

    def test_wrong_inputs(self) -> None:
        """Scalars and 2-D input are InputErrors; a clashing missing name too."""
        with pytest.raises(InputError, match="'labels'"):
            plot.label_counts("active")
        with pytest.raises(InputError, match="'labels'"):
            plot.label_counts(np.zeros((2, 2)))
        with pytest.raises(ThresholdError, match="'missing'"):
            plot.label_counts(pd.Series(["missing", None]))

    @settings(max_examples=25, deadline=None)
    @given(
        k=st.integers(1, 6),
        codes=st.lists(st.integers(0, 5), max_size=60),
    )
    def test_bars_sum_to_the_rows(self, k: int, codes: list[int]) -> None:
        """For any Labels the bars add up to len(labels), one bar per name."""
        codes = [c % k for c in codes]
        lab = Labels(codes, [f"c{i}" for i in range(k)])
        widths = _widths(plot.label_counts(lab))
        assert len(widths) == k
        assert sum(widths) == len(lab)
        assert widths == [float(c) for c in lab.counts().values()]


class TestTransitionHeatmap:
    def test_cells_are_row_shares(self, demo: dict[str, Any]) -> None:
        """normalize='row': cells are the row shares, annotated in %."""
        tm = demo["tm"]
        ax = plot.transition_heatmap(tm)
        grid = np.ma.filled(ax.images[0].get_array(), np.nan)
        np.testing.assert_allclose(grid, tm.row_shares())
        texts = [t.get_text() for t in ax.texts][: tm.matrix.size]
        assert texts == [
            "" if x != x else f"{100 * x:.1f}%" for x in tm.row_shares().ravel()
        ]
        assert _ticks(ax.get_yticklabels()) == list(tm.before)
        assert _ticks(ax.get_xticklabels()) == list(tm.after)
        assert f"{_display.percent(tm.stayed)} stayed" in ax.get_title()

    def test_counts(self, demo: dict[str, Any]) -> None:
        """normalize='none': cells are the counts, no row is marked empty."""
        tm = demo["tm"]
        ax = plot.transition_heatmap(tm, normalize="none")
        np.testing.assert_array_equal(np.asarray(ax.images[0].get_array()), tm.matrix)
        assert [t.get_text() for t in ax.texts][:-1] == [
            f"{c:,d}" for c in tm.matrix.ravel()
        ]
        assert not ax.patches

    def test_chinese(self) -> None:
        """Chinese class names on both axes, Chinese title."""
        tm = custseg.transition_matrix(
            ["活跃", "流失", "活跃"], ["流失", "流失", "活跃"]
        )
        ax = plot.transition_heatmap(tm, lang="zh")
        assert _ticks(ax.get_xticklabels()) == list(tm.after)
        assert ax.get_ylabel() == "之前的类别"
        assert "留在原类别" in ax.get_title()

    def test_empty_rows_are_marked(self) -> None:
        """A row without customers is hatched and says so; the others are not."""
        tm = _long_tm("en")
        empty = [i for i, row in enumerate(tm.matrix) if not row.any()]
        assert empty  # the data has a class nobody was in before
        ax = plot.transition_heatmap(tm)
        hatched = [p for p in ax.patches if p.get_hatch()]
        assert sorted(p.get_y() + 0.5 for p in hatched) == empty  # type: ignore[attr-defined]
        assert all(p.get_width() == tm.matrix.shape[1] for p in hatched)  # type: ignore[attr-defined]
        marks = [t for t in ax.texts if t.get_text() == "no customers"]
        assert sorted(t.get_position()[1] for t in marks) == empty
        zh = plot.transition_heatmap(_long_tm("zh"), lang="zh")
        assert sum(t.get_text() == "无客户" for t in zh.texts) == len(empty)

    def test_entrants_and_leavers_in_chinese(self) -> None:
        """lang='zh' shows (new) and (gone) in Chinese; names of one's own are kept."""
        tm = _long_tm("zh")
        zh = plot.transition_heatmap(tm, lang="zh")
        assert _ticks(zh.get_yticklabels())[-1] == "（新进入）"
        assert _ticks(zh.get_xticklabels())[-1] == "（已离开）"
        assert zh.texts[-1].get_text().startswith("（新进入）：只在之后出现的客户")
        en = plot.transition_heatmap(tm)
        assert _ticks(en.get_yticklabels())[-1] == "(new)"
        assert en.texts[-1].get_text() == (
            "(new): customers only after\n(gone): customers only before"
        )
        own = custseg.transition_matrix(
            pd.Series(["a"], index=["c1"]),
            pd.Series(["a"], index=["c2"]),
            new="arrived",
            gone="left",
        )
        ax = plot.transition_heatmap(own, lang="zh")
        assert _ticks(ax.get_yticklabels())[-1] == "arrived"
        assert _ticks(ax.get_xticklabels())[-1] == "left"

    def test_no_note_when_paired_by_position(self) -> None:
        """Paired by position there is no new row, and no note about it."""
        ax = plot.transition_heatmap(custseg.transition_matrix(["a", "b"], ["b", "a"]))
        assert [t.get_text() for t in ax.texts] == ["0.0%", "100.0%", "100.0%", "0.0%"]

    @pytest.mark.parametrize("lang", ["en", "zh"])
    @pytest.mark.parametrize("size", ["own", "report"])
    def test_column_names_never_touch(self, lang: str, size: str) -> None:
        """Long class names (11 segments, 8 types, statuses), in a new figure and
        at the size the HTML report gives: no two names touch, nothing is cut off."""
        for tm in (_long_tm(lang), _status_tm(lang)):
            n_r, n_c = tm.matrix.shape
            fig = (4.8 + max(0, 0.55 * n_c - 3.2), 3.2 + max(0, 0.4 * n_r - 2))
            ax = plot.transition_heatmap(
                tm, lang=lang, ax=_new_ax(None if size == "own" else fig)
            )
            renderer = _drawn(ax)
            assert _touching(ax.get_xticklabels(), renderer) == []
            assert _touching(ax.get_yticklabels(), renderer) == []
            _assert_inside(ax, renderer)

    def test_level_names_when_they_fit(self) -> None:
        """Short names are level and centred; long ones turned and anchored at the tick."""
        short = plot.transition_heatmap(
            custseg.transition_matrix(["a", "b"], ["b", "a"])
        )
        assert {t.get_rotation() for t in short.get_xticklabels()} == {0.0}
        assert {t.get_ha() for t in short.get_xticklabels()} == {"center"}
        long = plot.transition_heatmap(_long_tm("en"))
        assert {t.get_rotation() for t in long.get_xticklabels()} == {45.0}
        assert {t.get_ha() for t in long.get_xticklabels()} == {"right"}
        assert {t.get_rotation_mode() for t in long.get_xticklabels()} == {"anchor"}

    @settings(max_examples=8, deadline=None)
    @given(
        names=st.lists(
            st.text(
                alphabet="abcxyz _'重要价值客户忠诚VIP", min_size=1, max_size=16
            ).filter(lambda s: s.strip() and s not in ("(new)", "(gone)", "missing")),
            min_size=1,
            max_size=12,
            unique=True,
        ),
        size=st.one_of(st.none(), st.tuples(st.floats(4.8, 10.0), st.floats(3.2, 8.0))),
    )
    def test_any_names_never_touch(
        self, names: list[str], size: tuple[float, float] | None
    ) -> None:
        """For any class names and figure size, no two column names touch."""
        codes = np.arange(2 * len(names)) % len(names)
        before = pd.Series(np.array(names, dtype=object)[codes])
        after = pd.Series(np.array(names, dtype=object)[codes[::-1]])
        tm = custseg.transition_matrix(before, after)
        ax = plot.transition_heatmap(tm, ax=_new_ax(size))
        renderer = _drawn(ax)
        assert _touching(ax.get_xticklabels(), renderer) == []
        if size is None:
            _assert_inside(ax, renderer)

    def test_wrong_inputs(self, demo: dict[str, Any]) -> None:
        """A non-matrix or an unknown normalize are refused."""
        with pytest.raises(InputError, match="'matrix'"):
            plot.transition_heatmap(demo["tm"].counts)
        with pytest.raises(ThresholdError, match="'normalize'"):
            plot.transition_heatmap(demo["tm"], normalize="column")


class TestWorkload:
    def test_bars_are_counts_and_books(self, demo: dict[str, Any]) -> None:
        """Customer bars on ax, book-value bars on its twin, one per owner."""
        a = demo["assignment"]
        ax = plot.workload(a)
        assert _ticks(ax.get_xticklabels()) == list(a.staff)
        assert _heights(ax) == a.count_after.astype(float).tolist()
        twin = next(o for o in ax.figure.axes if o is not ax)
        np.testing.assert_allclose(_heights(twin), a.book_after)
        fair = ax.collections[0].get_offsets()[:, 1]
        np.testing.assert_allclose(fair, a.fair_count)

    def test_chinese(self, demo: dict[str, Any]) -> None:
        """Chinese title and labels; staff ids as given."""
        ax = plot.workload(demo["assignment"], lang="zh")
        assert ax.get_xlabel() == "负责人"
        assert _ticks(ax.get_xticklabels())[-1] == "李雷"

    def test_not_an_assignment(self, demo: dict[str, Any]) -> None:
        """A workload frame instead of the Assignment is refused."""
        with pytest.raises(InputError, match="'assignment'"):
            plot.workload(demo["assignment"].workload())


class TestToSvg:
    def test_text_stays_text(self, demo: dict[str, Any]) -> None:
        """Titles and Chinese class names are <text> elements, literally."""
        lab = Labels([0, 4, 1], ZH_STAGES, name="阶段")
        svg = plot.to_svg(plot.label_counts(lab, lang="zh"))
        texts = re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)
        assert "各类客户数：阶段" in texts
        assert set(ZH_STAGES) <= set(texts)

    def test_clean_standalone_svg(self, demo: dict[str, Any]) -> None:
        """<svg>...</svg> only: no prolog, no metadata, no outside reference."""
        svg = plot.to_svg(plot.lorenz(demo["facts"]))
        assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
        assert "<?xml" not in svg and "<!DOCTYPE" not in svg
        assert "<metadata" not in svg
        urls = set(re.findall(r"https?://[^\"'\s)]*", svg))
        assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
        refs = re.findall(r'(?:xlink:)?href="([^"]*)"', svg)
        assert all(r.startswith("#") for r in refs)

    @pytest.mark.parametrize("name", FUNCTIONS)
    def test_deterministic(self, name: str, demo: dict[str, Any]) -> None:
        """The same drawing gives the same SVG, twice."""
        assert plot.to_svg(_draw(name, demo)) == plot.to_svg(_draw(name, demo))

    def test_figure_and_pyplot(self) -> None:
        """A Figure is accepted; a pyplot figure is closed afterwards."""
        import matplotlib.pyplot as plt

        fig = plt.figure()
        ax = fig.add_subplot()
        plot.label_counts(["a", "b"], ax=ax)
        assert plt.fignum_exists(fig.number)
        assert plot.to_svg(fig).startswith("<svg")
        assert not plt.fignum_exists(fig.number)

    def test_not_a_drawing(self) -> None:
        """Anything else is an InputError naming 'obj'."""
        with pytest.raises(InputError, match="'obj'"):
            plot.to_svg("<svg/>")


class TestFonts:
    def test_cjk_fonts_are_known_to_matplotlib(self) -> None:
        """cjk_fonts names only families matplotlib has, no duplicates."""
        from matplotlib import font_manager

        known = {f.name for f in font_manager.fontManager.ttflist}
        fonts = plot.cjk_fonts()
        assert set(fonts) <= known and len(set(fonts)) == len(fonts)

    def test_texts_use_the_fallback_list(self) -> None:
        """Every text is drawn with DejaVu Sans, then the CJK families."""
        ax = plot.label_counts(Labels([0], ("活跃",)), lang="zh")
        families = ax.title.get_fontfamily()
        assert families[0] == "DejaVu Sans"
        assert list(plot.cjk_fonts()) == families[1:-1]
        assert ax.get_yticklabels()[0].get_fontfamily() == families

    def test_other_panels_keep_their_fonts(self) -> None:
        """Drawing on one panel of a figure leaves the other panels' fonts."""
        fig = Figure()
        mine, theirs = fig.subplots(1, 2)
        theirs.set_title("theirs", fontfamily="serif")
        plot.label_counts(["a"], ax=mine)
        assert theirs.title.get_fontfamily() == ["serif"]
        assert mine.title.get_fontfamily()[0] == "DejaVu Sans"

    def test_no_cjk_font_one_warning_for_pixels(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without a CJK font, a PNG of Chinese text gives one CustsegWarning."""
        monkeypatch.setattr(plot, "cjk_fonts", lambda: ())
        lab = Labels([0, 1], ("活跃", "流失"), name="阶段")
        ax = plot.label_counts(lab, lang="zh")
        with pytest.warns(CustsegWarning, match="fonts-noto-cjk") as record:
            _png(ax)
        assert len(record) == 1
        assert "addfont" in str(record[0].message)
        _png(ax)  # once per figure: filterwarnings=error would fail a second one

    def test_no_cjk_font_svg_is_silent(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without a CJK font, SVG output gives no warning (text stays text)."""
        monkeypatch.setattr(plot, "cjk_fonts", lambda: ())
        lab = Labels([0, 1], ("活跃", "流失"))
        svg = plot.to_svg(plot.label_counts(lab, lang="zh"))
        assert "活跃" in svg

    def test_no_cjk_font_english_is_silent(
        self, monkeypatch: pytest.MonkeyPatch, demo: dict[str, Any]
    ) -> None:
        """Without a CJK font, English plots draw to PNG without any warning."""
        monkeypatch.setattr(plot, "cjk_fonts", lambda: ())
        _png(plot.segment_sizes(demo["summary"]))

    def test_other_warnings_pass_through(self) -> None:
        """A warning raised while drawing that is not about glyphs is not eaten."""
        ax = plot.label_counts(["a", "b"])

        class Noisy(mpl.artist.Artist):
            def draw(self, renderer: Any) -> None:
                warnings.warn("from an artist", RuntimeWarning, stacklevel=1)

        ax.add_artist(Noisy())
        with pytest.warns(RuntimeWarning, match="from an artist"):
            _png(ax)


class TestPlotMethods:
    def test_labels(self, demo: dict[str, Any]) -> None:
        """Labels.plot draws label_counts, options passed on."""
        ax = demo["stage"].plot(lang="zh", title="T")
        assert ax.get_title() == "T"
        assert _widths(ax) == _widths(plot.label_counts(demo["stage"]))

    def test_rfm_scores(self, demo: dict[str, Any]) -> None:
        """RfmScores.plot draws rf_heatmap on the given Axes."""
        ax = Figure().add_subplot()
        s = demo["scores"]
        assert s.plot(ax=ax, monetary=demo["facts"], value="monetary") is ax
        assert ax.get_title().startswith("Mean monetary value")

    def test_transition_matrix(self, demo: dict[str, Any]) -> None:
        """TransitionMatrix.plot draws transition_heatmap."""
        ax = demo["tm"].plot(normalize="none")
        np.testing.assert_array_equal(
            np.asarray(ax.images[0].get_array()), demo["tm"].matrix
        )

    def test_assignment(self, demo: dict[str, Any]) -> None:
        """Assignment.plot draws workload."""
        ax = demo["assignment"].plot()
        assert _heights(ax) == demo["assignment"].count_after.astype(float).tolist()


class TestLayout:
    @pytest.mark.parametrize("lang", ["en", "zh"])
    @pytest.mark.parametrize("name", FUNCTIONS)
    def test_nothing_cut_off(self, name: str, lang: str, demo: dict[str, Any]) -> None:
        """Every plot's titles, labels and numbers are inside its new figure."""
        ax = _draw(name, demo, lang=lang)
        _assert_inside(ax, _drawn(ax))

    @pytest.mark.parametrize("lang", ["en", "zh"])
    @pytest.mark.parametrize("name", ["segment_sizes", "label_counts"])
    def test_long_names_do_not_squash(
        self, name: str, lang: str, demo: dict[str, Any]
    ) -> None:
        """Long class names widen the figure, not narrow the bars; none is cut off."""
        facts = demo["facts"]
        widths = []
        for names in (tuple("abcdefghijkl"), LONG[lang]):
            labels = _long_labels(names, len(facts.monetary))
            data = (
                custseg.segment_summary(labels, facts)
                if name == "segment_sizes"
                else labels
            )
            ax = getattr(plot, name)(data, lang=lang)
            renderer = _drawn(ax)
            _assert_inside(ax, renderer)
            assert _touching(ax.get_yticklabels(), renderer) == []
            widths.append(ax.get_window_extent(renderer).width / ax.figure.dpi)
        assert widths[1] >= 0.95 * widths[0]
        assert widths[1] >= 4.0  # inches

    @pytest.mark.parametrize("lang", ["en", "zh"])
    def test_workload_long_staff_names(self, lang: str) -> None:
        """Many owners with long ids: their names under the bars never touch."""
        staff = [f"owner.{i}@store.example.com" for i in range(6)] + ["王芳", "李伟"]
        res = custseg.assign_owners(np.linspace(1, 100, 80), staff)
        ax = plot.workload(res, lang=lang)
        renderer = _drawn(ax)
        assert _touching(ax.get_xticklabels(), renderer) == []
        assert {t.get_rotation() for t in ax.get_xticklabels()} != {0.0}
        _assert_inside(ax, renderer)

    @pytest.mark.parametrize("size", [None, (5.2, 3.2)])
    @pytest.mark.parametrize(
        ("lang", "names"),
        [("en", RFM11["en"]), ("zh", RFM11["zh"]), ("zh", RFM8_ZH)],
    )
    def test_segment_sizes_many_classes(
        self,
        lang: str,
        names: tuple[str, ...],
        size: tuple[float, float] | None,
        demo: dict[str, Any],
    ) -> None:
        """11 segments or 8 types, in a new figure and in the report's small one:
        class names and numbers apart, the legend over no bar, nothing cut off."""
        facts = demo["facts"]
        table = custseg.segment_summary(_long_labels(names, len(facts.monetary)), facts)
        ax = plot.segment_sizes(table, lang=lang, ax=_new_ax(size))
        renderer = _drawn(ax)
        _assert_inside(ax, renderer)
        assert _touching(ax.get_yticklabels(), renderer) == []
        assert _touching(ax.texts, renderer) == []
        if size is None:  # the default size has room for every number
            assert len(ax.texts) == 2 * len(names)
        legend = ax.get_legend().get_window_extent(renderer)
        bars = [p.get_window_extent(renderer) for p in ax.patches if p.get_width()]  # type: ignore[attr-defined]
        assert not any(legend.overlaps(b) for b in bars)
        assert _ticks(ax.get_yticklabels()) == list(names)


class TestImport:
    def test_import_custseg_leaves_matplotlib_alone(self) -> None:
        """import custseg (and custseg.plot) does not import matplotlib."""
        import subprocess

        code = (
            "import sys, custseg, custseg.plot\n"
            "custseg.lifecycle_stage([1.0]).counts()\n"
            "print('matplotlib' in sys.modules)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "False"


class TestGallery:
    def test_every_plot_in_both_languages(self) -> None:
        """The docs hook draws every gallery image the Plots page shows."""
        import importlib.util
        from pathlib import Path

        root = Path(__file__).resolve().parents[1]
        spec = importlib.util.spec_from_file_location(
            "gallery", root / "docs" / "_ext" / "gallery.py"
        )
        assert spec is not None and spec.loader is not None
        gallery = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(gallery)
        images = gallery.gallery(n_customers=300)
        page = (root / "docs" / "plots.md").read_text(encoding="utf-8")
        shown = set(re.findall(r"\]\(gallery/([^)]+)\)", page))
        assert shown == set(images)
        assert len(images) == 24
        assert all(svg.startswith("<svg") for svg in images.values())
        assert "王芳" in images["workload_zh.svg"]
