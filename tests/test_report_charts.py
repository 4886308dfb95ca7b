"""The report's charts stay readable with long class names (40-80
characters, English or Chinese) and many classes: every tick label and
title lies inside its figure, level tick labels never overlap, and the plot
area keeps a usable size.

The figures are the ones the report builds: ``custseg.plot.to_svg`` is
wrapped to keep each Axes the report turns into SVG.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import custseg
from custseg import reporting

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None,
    reason="matplotlib is not installed",
)

#: The smallest plot area (inches) a chart may keep, and the smallest font
#: (points) a tick label may be shrunk to.
MIN_WIDTH, MIN_HEIGHT, MIN_FONT = 1.5, 1.0, 5.5

FEW = settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: charts are slow
    suppress_health_check=[HealthCheck.too_slow],
)

WORDS = ["customers", "who", "bought", "in", "the", "last", "month", "high-value",
         "rarely", "seasonal", "buyers", "<script>", "$x$", "{{y}}", "%s"]  # fmt: skip
HANZI = list("最近一个月内购买过并且消费金额很高的重要价值客户需要重点维护长期跟进")


@st.composite
def long_name(draw: st.DrawFn) -> str:
    """A class name of 40 to 80 characters: English words, Chinese
    characters, or one unbroken word."""
    size = draw(st.integers(40, 80))
    kind = draw(st.sampled_from(["en", "zh", "word"]))
    if kind == "word":
        return draw(st.sampled_from("xWé中")) * size
    if kind == "zh":
        return "".join(
            draw(st.lists(st.sampled_from(HANZI), min_size=size, max_size=size))
        )
    text = ""
    while len(text) < size:
        text += draw(st.sampled_from(WORDS)) + " "
    return text[:size].strip() + "."


names_st = st.lists(long_name(), min_size=1, max_size=8, unique=True)


@contextmanager
def drawn() -> Iterator[list[Any]]:
    """The Axes of every chart the report turns into SVG meanwhile."""
    from custseg import plot

    kept: list[Any] = []
    to_svg = plot.to_svg

    def keep(obj: Any) -> str:
        kept.append(obj.axes[0] if hasattr(obj, "add_subplot") else obj)
        return to_svg(obj)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(plot, "to_svg", keep)
        yield kept


def check_readable(ax: Any) -> None:
    """Every tick label and title inside the figure, level tick labels apart,
    fonts not too small, and a plot area of a usable size."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = ax.get_figure(root=True)
    FigureCanvasAgg(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    xlabels = [t for t in ax.get_xticklabels() if x0 <= t.get_position()[0] <= x1]
    ylabels = [t for t in ax.get_yticklabels() if y0 <= t.get_position()[1] <= y1]
    for text in [ax.title, *xlabels, *ylabels]:
        if not text.get_visible() or not text.get_text():
            continue
        ext = text.get_window_extent(renderer)
        inside = (
            ext.x0 >= box.x0 - 1
            and ext.y0 >= box.y0 - 1
            and ext.x1 <= box.x1 + 1
            and ext.y1 <= box.y1 + 1
        )
        assert inside, (text.get_text(), ext.bounds, box.bounds)
    for labels in (xlabels, ylabels):  # the ticks drawn
        shown = [t for t in labels if t.get_visible() and t.get_text()]
        for t in shown:
            assert t.get_fontsize() >= MIN_FONT, (t.get_text(), t.get_fontsize())
        if any(t.get_rotation() % 180 for t in shown):
            continue  # turned labels: their boxes overlap, the text does not
        boxes = [t.get_window_extent(renderer) for t in shown]
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                apart = (
                    a.x1 <= b.x0 + 1
                    or b.x1 <= a.x0 + 1
                    or a.y1 <= b.y0 + 1
                    or b.y1 <= a.y0 + 1
                )
                assert apart, (shown[i].get_text(), shown[j].get_text())
    area = ax.get_window_extent(renderer)
    assert area.width >= MIN_WIDTH * fig.dpi, area.bounds
    assert area.height >= MIN_HEIGHT * fig.dpi, area.bounds


def customers(names: list[str], seed: int = 0) -> pd.DataFrame:
    """Customers with facts and a label column ``tier`` of *names*."""
    rng = np.random.default_rng(seed)
    n = 60
    return pd.DataFrame(
        {
            "recency_days": rng.integers(1, 300, n).astype(float),
            "frequency": rng.integers(1, 9, n),
            "monetary": rng.integers(1, 500, n).astype(float),
            "tier": pd.Categorical.from_codes(
                rng.integers(0, len(names), n), categories=names
            ),
        },
        index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"),
    )


@FEW
@given(names=names_st, lang=st.sampled_from(["en", "zh"]))
def test_class_bars_stay_readable(names: list[str], lang: str) -> None:
    from custseg import plot

    with drawn() as kept:
        s = reporting._summary(customers(names), "tier", lang, plot, True)
    assert s.chart.startswith("<svg") and len(kept) == 1
    check_readable(kept[0])


@FEW
@given(names=names_st, lang=st.sampled_from(["en", "zh"]))
def test_migration_heatmap_stays_readable(names: list[str], lang: str) -> None:
    from custseg import plot

    now = customers(names, seed=1)
    before = customers(names, seed=2)[["tier"]].iloc[5:]  # some are new
    with drawn() as kept:
        out = reporting._migrations(now, before, lang, plot, True)
    assert [column for column, _tm, _chart in out] == ["tier"]
    assert len(kept) == 1
    check_readable(kept[0])


def test_whole_report_with_long_names(tmp_path: Path) -> None:
    """Every chart of a report (class bars, R x F grids, scores, Lorenz
    curve, migrations) with the audit's long labels, English and Chinese."""
    rules = tmp_path / "long.toml"
    rules.write_text(
        """format = 1
extends = "ecommerce"
[segments.tier]
default = "最近一年没有任何购买记录的普通客户群体需要重新激活和召回的长期沉睡客户"
rules = [
  { label = "High-value customers who bought in the last month and came back", when = "monetary > 50" },
  { label = "{{x}} %s $a$ 重要价值客户非常非常长的名字重要价值客户非常非常长的名字", when = "monetary > 10" },
  { label = "Customers who buy now and then, mostly during the seasonal sales", when = "monetary > 5" },
]
""",
        encoding="utf-8",
    )
    rng = np.random.default_rng(3)
    n = 300

    def tx(shift: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "customer_id": rng.integers(1, 80, n),
                "date": pd.Timestamp("2024-01-01")
                + pd.to_timedelta(rng.integers(0, 365, n) + shift, "D"),
                "amount": rng.integers(1, 40, n) * 1.0,
            }
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before = custseg.segment(tx(-120), rules=rules, as_of="2024-09-01")
        with drawn() as kept:
            custseg.report(
                tx(0), rules=rules, as_of="2025-01-01", previous=before.customers
            )
    titles = " ".join(ax.get_title() for ax in kept)
    assert "tier" in titles and len(kept) >= 8
    for ax in kept:
        check_readable(ax)
