"""custseg.plot, audit 5: what a plot costs is bounded by what it draws.

- Every plot drawing one artist per class, staff member or cell refuses more
  than its bound (``MAX_CLASSES``, ``MAX_HEATMAP_CLASSES``, ``MAX_STAFF``)
  with an InputError naming the input, the count and the limit, before
  anything is drawn: ``transition_heatmap`` at 200 classes ended in a bare
  MemoryError, ``workload`` of 5,000 staff took 98 s.
- ``_wrap`` measures only what can be drawn (at most 4 lines): a class name
  of 100 KB took 94 s; the lines are those of the whole name.
- ``to_svg`` gives the same bytes whatever NumPy's print options (the
  clip-path ids hash ``str()`` of NumPy numbers) and however often the
  figure was drawn or saved before (constrained layout moved the Axes a
  little at every draw).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

mpl = pytest.importorskip("matplotlib", reason="needs the plot extra (matplotlib)")

from matplotlib.figure import Figure  # noqa: E402

import custseg  # noqa: E402
from custseg import plot  # noqa: E402
from custseg.errors import InputError  # noqa: E402
from custseg.labels import Labels  # noqa: E402

# --------------------------------------------------------------------------
# bounds


def _matrix(k: int, matched: bool = False) -> Any:
    names = [f"class {i}" for i in range(k)]
    if matched:  # by id: a (new) row and a (gone) column
        before = pd.Series(names, index=[f"c{i}" for i in range(k)])
        after = pd.Series(names, index=[f"c{i + 1}" for i in range(k)])
        return custseg.transition_matrix(before, after)
    return custseg.transition_matrix(names, names)


def _summary(k: int) -> pd.DataFrame:
    share = np.full(k, 1 / max(k, 1))
    return pd.DataFrame(
        {"customer_share": share, "revenue_share": share},
        index=[f"class {i}" for i in range(k)],
    )


#: name -> (module constant, draw(n items, ax), field named in the error)
BOUNDED: dict[str, tuple[str, Callable[[int, Any], Any], str]] = {
    "label_counts": (
        "MAX_CLASSES",
        lambda n, ax: plot.label_counts(
            Labels(np.arange(n) % max(n, 1), tuple(f"c{i}" for i in range(n))),
            ax=ax,
        ),
        "labels",
    ),
    "label_counts_series": (
        "MAX_CLASSES",
        # n - 1 names and the bar of missing labels: n classes
        lambda n, ax: plot.label_counts(
            pd.Series([f"c{i}" for i in range(n - 1)] + [None]), ax=ax
        ),
        "labels",
    ),
    "segment_sizes": (
        "MAX_CLASSES",
        lambda n, ax: plot.segment_sizes(_summary(n), ax=ax, total=None),
        "summary",
    ),
    "transition_heatmap": (
        "MAX_HEATMAP_CLASSES",
        lambda n, ax: plot.transition_heatmap(_matrix(n), ax=ax),
        "matrix",
    ),
    "transition_heatmap_matched": (
        "MAX_HEATMAP_CLASSES",
        # (new) and (gone) are not counted
        lambda n, ax: plot.transition_heatmap(_matrix(n, matched=True), ax=ax),
        "matrix",
    ),
    "rf_heatmap": (
        "MAX_HEATMAP_CLASSES",
        lambda n, ax: plot.rf_heatmap(
            custseg.rfm_scores(
                np.arange(4 * n, dtype=float),
                np.arange(4 * n, dtype=float),
                np.arange(4 * n, dtype=float),
                bins=n,
            ),
            ax=ax,
        ),
        "scores",
    ),
    "workload": (
        "MAX_STAFF",
        lambda n, ax: plot.workload(
            custseg.assign_owners(
                np.arange(1, 3 * n + 1, dtype=float), [f"s{i}" for i in range(n)]
            ),
            ax=ax,
        ),
        "assignment",
    ),
}


class TestBounds:
    @pytest.mark.parametrize("name", sorted(BOUNDED))
    @pytest.mark.parametrize("own_axes", [False, True])
    def test_refused_past_the_bound_drawn_at_it(
        self, name: str, own_axes: bool, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """At the bound a plot is drawn; one more item is refused before
        anything is drawn, on a new figure and on an Axes passed in."""
        constant, draw, field = BOUNDED[name]
        most = 3
        monkeypatch.setattr(plot, constant, most)
        ax = Figure().add_subplot() if own_axes else None
        drawn = draw(most, ax)
        assert drawn.figure is not None
        fresh = Figure().add_subplot() if own_axes else None
        with pytest.raises(InputError) as err:
            draw(most + 1, fresh)
        msg = str(err.value)
        assert err.value.field == field
        assert f"has {most + 1} " in msg and f"more than the {most} " in msg
        assert err.value.fix  # says what to do
        if fresh is not None:  # nothing drawn on the caller's Axes
            assert not fresh.texts and not fresh.containers
            assert not fresh.patches and not fresh.images and not fresh.collections

    def test_real_bounds(self) -> None:
        """The bounds as shipped: a heatmap as wide as the report's charts
        (reporting.MAX_CHART_CLASSES), bars for every label of a rules
        table."""
        from custseg.reporting import MAX_CHART_CLASSES

        assert plot.MAX_HEATMAP_CLASSES >= MAX_CHART_CLASSES
        assert plot.MAX_CLASSES >= MAX_CHART_CLASSES
        assert plot.MAX_STAFF >= MAX_CHART_CLASSES

    @pytest.mark.parametrize("k", [61, 200])
    def test_big_heatmap_refused_at_once(self, k: int) -> None:
        """The report's case: 200 classes was a bare MemoryError after 74 s."""
        start = time.perf_counter()
        with pytest.raises(InputError, match=rf"'matrix' has {k} classes.*60"):
            plot.transition_heatmap(_matrix(k, matched=True))
        assert time.perf_counter() - start < 5

    def test_many_staff_refused_at_once(self) -> None:
        res = custseg.assign_owners(
            np.arange(1, 5_002, dtype=float), [f"s{i}" for i in range(5_001)]
        )
        start = time.perf_counter()
        with pytest.raises(InputError, match=r"'assignment' has 5,001 staff.*500"):
            plot.workload(res)
        with pytest.raises(InputError, match=r"'assignment' has 5,001 staff"):
            res.plot()
        assert time.perf_counter() - start < 5


# --------------------------------------------------------------------------
# _wrap


def _reference_wrap(name: str, width: float, most: int) -> str:
    """_wrap as it was (measuring the whole name): the lines to keep."""
    name = str(name)

    def measure(texts: list[str]) -> list[tuple[float, float]]:
        return plot._text_sizes(texts)

    if measure([name])[0][0] <= width:
        return name
    pieces = plot._PIECE.findall(" ".join(name.split("\n")))
    sizes = measure(pieces)
    lines: list[tuple[list[str], float]] = []
    line: list[str] = []
    used = 0.0
    for piece, (w, _h) in zip(pieces, sizes, strict=True):
        if piece.isspace():
            if line:
                line.append(piece)
                used += w
            continue
        if used + w > width and line:
            while line and line[-1].isspace():
                used -= measure([line.pop()])[0][0]
            lines.append((line, used))
            line, used = [], 0.0
        if w > width:
            chars = list(piece)
            for c, (cw, _ch) in zip(chars, measure(chars), strict=True):
                if used + cw > width and line:
                    lines.append((line, used))
                    line, used = [], 0.0
                line.append(c)
                used += cw
            continue
        line.append(piece)
        used += w
    while line and line[-1].isspace():
        line.pop()
    if line:
        lines.append((line, used))
    text = ["".join(parts) for parts, _w in lines]
    if len(text) > most:
        last = text[most - 1]
        room = width - measure(["…"])[0][0]
        while last and measure([last])[0][0] > room:
            last = last[:-1]
        text = [*text[: most - 1], last.rstrip() + "…"]
    return "\n".join(text)


class _Measured:
    """Counts the characters plot._text_sizes measures while on."""

    def __init__(self) -> None:
        self.chars = 0
        self.on = False
        self.real = plot._text_sizes

    def __call__(self, texts: list[str], *args: Any, **kw: Any) -> Any:
        if self.on:
            self.chars += sum(len(t) for t in texts)
        return self.real(texts, *args, **kw)


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Measured]:
    plot._mpl()
    counter = _Measured()
    monkeypatch.setattr(plot, "_text_sizes", counter)
    yield counter


# letters wide and narrow, spaces, CJK, kerning pairs, a zero-width space
_ALPHABET = st.sampled_from([*"xiIlW.AV ", "  ", "重", "要", "\u200b", "-"])
_NARROW = 40.0  # points: short lines, so short names already fill them


class TestWrap:
    @settings(
        max_examples=40,
        deadline=None,
        # the counter is reset for each example
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        chunk=st.lists(_ALPHABET, min_size=1, max_size=12).map("".join),
        length=st.integers(1, 3_000),
        most=st.integers(1, 3),
    )
    @example(chunk="x", length=3_000, most=1)
    @example(chunk="il ", length=2_400, most=3)
    @example(chunk="重 Wi", length=3_000, most=2)
    def test_same_lines_measuring_only_what_is_drawn(
        self, measured: _Measured, chunk: str, length: int, most: int
    ) -> None:
        """The lines of the whole name, measuring a bounded part of it."""
        name = (chunk * (length // len(chunk) + 1))[:length]
        expected = _reference_wrap(name, _NARROW, most)
        measured.chars, measured.on = 0, True
        got = plot._wrap(name, _NARROW, most)
        measured.on = False
        assert got == expected
        # what most + 2 lines hold of characters a fifth of 10 points wide
        span = (most + 2) * (int(_NARROW / 2) + 1)
        visible = "\u200b" not in chunk and chunk.strip() != ""
        if visible and length > 10 * span:  # it measured the whole name
            assert measured.chars < 10 * span < length

    @pytest.mark.parametrize(
        "name",
        [
            "x" * 100_000,
            "Supercalifragilistic " * 5_000,
            "重要价值客户" * 20_000,
            "mixed 中文 words " * 8_000,
        ],
    )
    def test_long_name_at_once(self, measured: _Measured, name: str) -> None:
        """A 100 KB name took 94 s: now as fast as a short one, with the
        lines of the whole name (those of a long enough beginning)."""
        start = time.perf_counter()
        measured.on = True
        got = plot._wrap(name)
        measured.on = False
        # what bounds the work is the characters measured (below); the time
        # only catches a return of the 94 s (2.4 s here on a slow machine,
        # with the first measurement's font loading)
        assert time.perf_counter() - start < 20
        assert measured.chars < 20_000
        assert got == _reference_wrap(name[:5_000], plot._WRAP_PT, plot._LINES)
        assert got.count("\n") == plot._LINES - 1 and got.endswith("…")

    def test_label_counts_long_names(self) -> None:
        """The report's case: 5 class names of 100,000 characters."""
        rng = np.random.default_rng(0)
        long = ["x" * 100_000 + str(i) for i in range(5)]
        lab = pd.Series(np.array(long, dtype=object)[rng.integers(0, 5, 100)])
        start = time.perf_counter()
        ax = plot.label_counts(lab)
        svg = plot.to_svg(ax)
        assert time.perf_counter() - start < 10
        shown = [t.get_text() for t in ax.get_yticklabels()]
        assert all(s.count("\n") == 3 and s.endswith("…") for s in shown)
        assert len(svg) < 40_000

    def test_more_lines_than_drawn(self, measured: _Measured) -> None:
        """A name of more lines than a name shows is wrapped onto four
        lines (it was drawn whole, however many lines it had)."""
        got = plot._wrap("a\n" * 100_000)
        assert got.count("\n") <= plot._LINES - 1
        assert plot._wrap("line one\nline two") == "line one\nline two"


# --------------------------------------------------------------------------
# to_svg


def _stage() -> Any:
    facts = custseg.summarize(
        ["a", "b", "a", "c", "d", "e", "e"],
        [
            "2024-03-01",
            "2024-03-02",
            "2024-03-20",
            "2023-10-30",
            "2023-01-05",
            "2024-02-01",
            "2024-02-02",
        ],
        [100.0, 40.0, 60.0, 10.0, 5.0, 7.0, 8.0],
        as_of="2024-03-31",
    )
    return custseg.lifecycle_stage(facts.recency_days), facts


def _plots() -> dict[str, Callable[[], Any]]:
    stage, facts = _stage()
    scores = custseg.rfm_scores(
        facts.recency_days, facts.frequency, facts.monetary, bins=2
    )
    tm = custseg.transition_matrix(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    res = custseg.assign_owners([100.0, 80, 60, 40, 20], ["amy", "bo"])
    return {
        "label_counts": lambda: plot.label_counts(stage),
        "segment_sizes": lambda: plot.segment_sizes(
            custseg.segment_summary(stage, facts)
        ),
        "rf_heatmap": lambda: plot.rf_heatmap(scores),
        "score_distribution": lambda: plot.score_distribution(scores),
        "lorenz": lambda: plot.lorenz(facts),
        "transition_heatmap": lambda: plot.transition_heatmap(tm),
        "workload": lambda: plot.workload(res),
    }


_PRINT = st.fixed_dictionaries(
    {},
    optional={
        "legacy": st.sampled_from([False, "1.13", "1.21", "1.25"]),
        "sign": st.sampled_from(["-", "+", " "]),
        "floatmode": st.sampled_from(["maxprec", "unique", "fixed"]),
        "precision": st.integers(0, 17),
        "suppress": st.booleans(),
    },
)


class TestSvgBytes:
    @settings(max_examples=12, deadline=None)
    @given(options=_PRINT, which=st.sampled_from(sorted(_plots())))
    @example(options={"legacy": "1.25"}, which="label_counts")
    def test_numpy_print_options(self, options: dict[str, Any], which: str) -> None:
        draw = _plots()[which]
        plain = plot.to_svg(draw())
        before = np.get_printoptions()
        with np.printoptions(**options):
            kept = np.get_printoptions()
            assert plot.to_svg(draw()) == plain
            assert np.get_printoptions() == kept  # the caller's, restored
        assert np.get_printoptions() == before

    def test_saved_again(self) -> None:
        """The second save (and one after a draw) gives the first's bytes,
        for every plot: constrained layout moved the Axes a little at every
        draw (label_counts of the demo store by 0.01 pt)."""
        for which, draw in _plots().items():
            ax = draw()
            first = plot.to_svg(ax)
            assert plot.to_svg(ax) == first, which
            ax.figure.draw_without_rendering()
            assert plot.to_svg(ax) == first, which
            assert plot.to_svg(draw()) == first, which  # a new one, the same
            # ids are hashed from the drawing: still one per clip path
            ids = re.findall(r'<clipPath id="([^"]+)"', first)
            assert len(ids) == len(set(ids)), which

    def test_axes_placed_by_hand_left_alone(self) -> None:
        """Only Axes constrained layout places are put back in their cell."""
        stage, _facts = _stage()
        fig = Figure(layout="constrained")
        laid, placed = fig.subplots(1, 2)
        placed.set_position([0.6, 0.2, 0.3, 0.3])  # out of the layout
        plot.label_counts(stage, ax=laid)
        first = plot.to_svg(fig)
        assert plot.to_svg(fig) == first
        assert placed.get_position().bounds == pytest.approx((0.6, 0.2, 0.3, 0.3))
