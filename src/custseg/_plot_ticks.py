"""Count-axis ticks that keep their labels apart, measured when drawn.

A module of its own so that the locator is a module-level class (figures
pickle) while :mod:`custseg.plot` imports matplotlib only when it plots;
without matplotlib it imports all the same (nothing here is used then).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

try:
    from matplotlib.ticker import Locator, MaxNLocator
except ImportError:  # importable without the plot extra (custseg.plot names it)
    Locator = object  # type: ignore[misc,assignment]

#: the steps of a count axis: 1, 2, 2.5, 5 times a power of ten
STEPS = [1, 2, 2.5, 5, 10]


class ApartLocator(Locator):
    """Whole-number ticks (:class:`~matplotlib.ticker.MaxNLocator`), the
    most of them whose labels do not touch on the axis as drawn.

    The axis' length is read when the ticks are asked for, after the
    layout (a constrained layout shrinks an Axes to fit its neighbours'
    labels, so a length guessed before it can be too long). *measure*
    gives the (width, height) in points of each label text at *size*
    points; *text* formats a tick; *gap* is the space (points) kept
    between two labels.
    """

    def __init__(
        self,
        size: float,
        text: Callable[[float], str],
        measure: Callable[[list[str], float], Sequence[tuple[float, float]]],
    ) -> None:
        self.size = size
        self.text = text
        self.measure = measure

    def __call__(self) -> Any:
        axis: Any = self.axis
        lo, hi = axis.get_view_interval()
        return self.tick_values(lo, hi)

    def tick_values(self, vmin: float, vmax: float) -> Any:
        axis: Any = self.axis
        lo, hi = sorted((float(vmin), float(vmax)))
        across = axis is None or axis.axis_name == "x"
        length = _length_pt(axis, across)
        auto = max(int(axis.get_tick_space()), 1) if axis is not None else 9
        gap = 0.8 * self.size
        ticks: Any = []
        for nbins in ["auto", *range(auto - 1, 0, -1)]:
            locator = MaxNLocator(nbins=nbins, steps=STEPS, integer=True)
            if axis is not None:
                locator.set_axis(axis)  # "auto" asks the axis
            ticks = locator.tick_values(lo, hi)
            shown = [t for t in ticks if lo <= t <= hi]
            if len(shown) < 2 or hi <= lo or length is None:
                break
            sizes = self.measure([self.text(t) for t in shown], self.size)
            need = max(w if across else h for w, h in sizes) + gap
            if (shown[1] - shown[0]) / (hi - lo) * length >= need:
                break
        return ticks


def _length_pt(axis: Any, across: bool) -> float | None:
    """The points *axis* takes as its Axes stands now (None: no Axes)."""
    if axis is None or axis.axes is None:
        return None
    box = axis.axes.get_window_extent()
    pixels = box.width if across else box.height
    return float(pixels) * 72.0 / float(axis.axes.get_figure(root=True).dpi)
