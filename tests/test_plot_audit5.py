"""custseg.plot, audit 5: process-wide state and the caller's figures.

- Plots and ``to_svg`` called from several threads give the same SVG as one
  after the other, and leave matplotlib's ``rcParams`` and the warning
  filters as they were (``rc_context`` and ``catch_warnings`` save and
  restore one global each: custseg's calls hold one lock around them).
- A figure passed in through ``ax=`` is not mutated (its ``draw`` stays
  matplotlib's), and every figure, the caller's or custseg's own, pickles.
"""

from __future__ import annotations

import contextlib
import copy
import io
import pickle
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

mpl = pytest.importorskip("matplotlib", reason="needs the plot extra (matplotlib)")

from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import custseg  # noqa: E402
from custseg import plot  # noqa: E402
from custseg.errors import CustsegWarning  # noqa: E402
from custseg.labels import Labels  # noqa: E402


def _inputs() -> dict[str, Any]:
    """Tiny inputs for every plot function (a few customers)."""
    facts = custseg.summarize(
        ["a", "a", "b", "c", "c", "d", "e"],
        np.array(
            [
                "2024-01-02",
                "2024-03-01",
                "2024-02-10",
                "2024-01-05",
                "2024-03-20",
                "2023-05-30",
                "2023-11-30",
            ],
            dtype="datetime64[D]",
        ),
        [10.0, 20.0, 5.0, 7.0, 9.0, 1.0, 30.0],
        as_of="2024-04-01",
    )
    stage = custseg.lifecycle_stage(facts.recency_days)
    return {
        "stage": stage,
        "zh": Labels([0, 1, 0, 2], ("活跃", "流失", "沉睡"), name="阶段"),
        "summary": custseg.segment_summary(stage, facts),
        "scores": custseg.rfm_scores(
            facts.recency_days, facts.frequency, facts.monetary, nan="unknown"
        ),
        "facts": facts,
        "tm": custseg.transition_matrix(["a", "a", "b", "b"], ["a", "b", "b", "b"]),
        "assignment": custseg.assign_owners([100, 80, 60, 40, 20], ["amy", "李雷"]),
    }


#: every plot function, on a tiny input, in both languages
DRAWINGS: dict[str, Callable[[dict[str, Any], str, Any], Axes]] = {
    "segment_sizes": lambda d, lang, ax: plot.segment_sizes(
        d["summary"], lang=lang, ax=ax
    ),
    "rf_heatmap": lambda d, lang, ax: plot.rf_heatmap(d["scores"], lang=lang, ax=ax),
    "score_distribution": lambda d, lang, ax: plot.score_distribution(
        d["scores"], lang=lang, ax=ax
    ),
    "lorenz": lambda d, lang, ax: plot.lorenz(d["facts"], lang=lang, ax=ax),
    "label_counts": lambda d, lang, ax: plot.label_counts(
        d["zh"] if lang == "zh" else d["stage"], lang=lang, ax=ax
    ),
    "transition_heatmap": lambda d, lang, ax: plot.transition_heatmap(
        d["tm"], lang=lang, ax=ax
    ),
    "workload": lambda d, lang, ax: plot.workload(d["assignment"], lang=lang, ax=ax),
}


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return _inputs()


def _state() -> tuple[dict[str, Any], list[Any]]:
    """matplotlib's rcParams and Python's warning filters, as they are now."""
    return copy.deepcopy(dict(mpl.rcParams)), list(warnings.filters)


class TestThreads:
    def test_threads_give_the_sequential_svg_and_leave_no_state(
        self, data: dict[str, Any]
    ) -> None:
        """Plots (en and zh) then to_svg, on 8 threads started together: the
        same SVG bytes as one call after the other, and rcParams and
        warnings.filters as they were before."""
        jobs = [
            ("label_counts", "en"),
            ("label_counts", "zh"),
            ("segment_sizes", "zh"),
            ("transition_heatmap", "en"),
        ]

        def svg(job: tuple[str, str]) -> str:
            name, lang = job
            return plot.to_svg(DRAWINGS[name](data, lang, None))

        before = _state()
        sequential = [svg(job) for job in jobs] * 2
        assert _state() == before
        start = threading.Barrier(len(sequential))

        def together(job: tuple[str, str]) -> str:
            with contextlib.suppress(threading.BrokenBarrierError):
                start.wait(timeout=10)  # all at once, so that the calls overlap
            return svg(job)

        with ThreadPoolExecutor(len(sequential)) as pool:
            parallel = list(pool.map(together, jobs * 2))
        rc_after, filters_after = _state()
        changed = {
            k: (v, rc_after[k]) for k, v in before[0].items() if v != rc_after[k]
        }
        assert changed == {}
        assert filters_after == before[1]
        differ = [
            jobs[i % len(jobs)] for i, t in enumerate(parallel) if t != sequential[i]
        ]
        assert differ == []

    def test_to_svg_of_one_figure_from_threads(self, data: dict[str, Any]) -> None:
        """to_svg alone, of figures drawn beforehand, from 8 threads: the
        same bytes every time (the hash salt is never reset mid-save)."""
        axes = [
            DRAWINGS[name](data, "zh", None)
            for name in ("label_counts", "transition_heatmap")
        ]
        for ax in axes:  # the first save may still move the layout a hair
            plot.to_svg(ax)
        expected = [plot.to_svg(ax) for ax in axes]
        before = _state()
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(plot.to_svg, axes * 4))
        assert got == expected * 4
        assert _state() == before


class TestCallersFigure:
    @pytest.mark.parametrize("lang", ["en", "zh"])
    @pytest.mark.parametrize("name", list(DRAWINGS))
    def test_passed_figure_is_not_mutated_and_pickles(
        self, name: str, lang: str, data: dict[str, Any]
    ) -> None:
        """Drawing on the caller's Axes, then to_svg of it, leaves the
        figure's own attributes (its draw is Figure.draw) and it pickles
        and deep-copies."""
        fig = Figure()
        ax = fig.add_subplot()
        keys = set(vars(fig))
        assert DRAWINGS[name](data, lang, ax) is ax
        plot.to_svg(ax)
        assert "draw" not in vars(fig)
        assert [k for k in set(vars(fig)) - keys if "custseg" in k or k == "draw"] == []
        assert [k for k in vars(fig) if "custseg" in k] == []
        again = pickle.loads(pickle.dumps(fig))
        assert type(again) is Figure and "draw" not in vars(again)
        copy.deepcopy(fig)
        fig.savefig(io.BytesIO(), format="png", dpi=30)

    @pytest.mark.parametrize("name", list(DRAWINGS))
    def test_own_figure_pickles(self, name: str, data: dict[str, Any]) -> None:
        """A figure custseg made pickles and deep-copies; the copy draws the
        same SVG."""
        ax = DRAWINGS[name](data, "zh", None)
        plot.to_svg(ax)  # the first save may still move the layout a hair
        svg = plot.to_svg(ax)
        again = pickle.loads(pickle.dumps(ax.figure))
        assert plot.to_svg(again) == svg
        assert plot.to_svg(copy.deepcopy(ax.figure)) == svg

    def test_own_figure_keeps_its_font_warning_when_pickled(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without a CJK font, a pickled (or deep-copied) figure of custseg's
        still gives its one CustsegWarning for pixel output, not one matplotlib
        warning per character; SVG stays silent."""
        monkeypatch.setattr(plot, "cjk_fonts", lambda: ())
        ax = plot.label_counts(Labels([0, 1], ("活跃", "流失")), lang="zh")
        for fig in (pickle.loads(pickle.dumps(ax.figure)), copy.deepcopy(ax.figure)):
            plot.to_svg(fig)  # silent: filterwarnings=error would raise
            with pytest.warns(CustsegWarning, match="fonts-noto-cjk") as record:
                fig.savefig(io.BytesIO(), format="png", dpi=30)
            assert len(record) == 1
            fig.savefig(io.BytesIO(), format="png", dpi=30)  # once per figure
