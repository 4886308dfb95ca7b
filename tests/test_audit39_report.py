"""Audit 39, report and plots: findings of the thirty-ninth audit (probes39/report).

The colour scale of the R x F heat map of mean spend spans every cell: a
mean below 0 (customers whose refunds exceed their purchases) has a
colour of its own, not the colour of 0 (a scale from 0 clipped every
negative mean to it, so cells of -900 and -3 looked alike).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from test_audit30_report import needs_mpl

PLOTS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _scores() -> Any:
    return custseg.rfm_scores(
        [3, 40, 200, 10, 5], [12, 3, 1, 6, 2], [900.0, 150.0, 20.0, 400.0, 3.0], bins=2
    )


def _cell_colours(ax: Any) -> tuple[np.ndarray, np.ndarray]:
    """The grid drawn and each cell's colour (RGBA), as the figure has them."""
    image = ax.images[0]
    grid = np.ma.filled(image.get_array(), np.nan).astype(np.float64)
    return grid, image.to_rgba(image.get_array())


@needs_mpl
@PLOTS
@given(
    st.lists(
        st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 2)),
        min_size=5,
        max_size=5,
    )
)
def test_heatmap_colours_tell_every_mean_apart(monetary: list[float]) -> None:
    """Every cell's mean lies on the colour scale (none clipped to an
    end), and two cells whose means differ by more than a 100th of the
    scale (the colour map has 256 colours) have different colours."""
    import matplotlib.pyplot as plt

    from custseg import plot

    ax = plot.rf_heatmap(_scores(), monetary, value="monetary")
    try:
        low, top = ax.images[0].get_clim()
        grid, rgba = _cell_colours(ax)
        cells = grid[np.isfinite(grid)]
        assert low <= cells.min() and cells.max() <= top
        flat = grid.ravel()
        colours = rgba.reshape(-1, 4)
        known = [i for i in range(len(flat)) if np.isfinite(flat[i])]
        for a in known:
            for b in known:
                if abs(flat[a] - flat[b]) > (top - low) / 100:
                    assert not np.array_equal(colours[a], colours[b])
    finally:
        plt.close(ax.figure)


@needs_mpl
def test_heatmap_negative_means_repro() -> None:
    """The probe: means of -85, -400, -3 and -900 were one colour, that of 0."""
    import matplotlib.pyplot as plt

    from custseg import plot

    mon = [-900.0, -150.0, -20.0, -400.0, -3.0]
    ax = plot.rf_heatmap(_scores(), mon, value="monetary")
    try:
        assert ax.images[0].get_clim() == (-900.0, 0.0)
        grid, rgba = _cell_colours(ax)
        assert grid.tolist() == [[-85.0, -400.0], [-3.0, -900.0]]
        assert len({tuple(c) for c in rgba.reshape(-1, 4)}) == 4
        # the text of a dark cell is white: the highest means are darkest
        colours = [t.get_color() for t in ax.texts[:4]]
        assert colours == ["white", "black", "white", "black"]
    finally:
        plt.close(ax.figure)
    # counts (never below 0) keep their scale from 0 to the largest
    ax = plot.rf_heatmap(_scores())
    try:
        assert ax.images[0].get_clim() == (0.0, 2.0)
    finally:
        plt.close(ax.figure)


@needs_mpl
def test_report_heatmap_of_net_refunds() -> None:
    """The report draws its heat map of mean spend with that scale: a cell
    of customers whose refunds exceed their purchases is not drawn as 0."""
    pd = pytest.importorskip("pandas")
    import matplotlib.pyplot as plt

    from custseg import plot

    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 2, 3],
            "date": pd.to_datetime(
                ["2024-06-01", "2024-06-02", "2024-01-05", "2024-01-06", "2024-06-20"]
            ),
            "amount": [5.0, -50.0, 40.0, -60.0, 80.0],
        }
    )
    drawn: list[Any] = []
    real = plot.rf_heatmap

    def spy(*args: Any, **kwargs: Any) -> Any:
        ax = real(*args, **kwargs)
        drawn.append((kwargs.get("value"), ax.images[0].get_clim()))
        return ax

    mp = pytest.MonkeyPatch()
    mp.setattr(plot, "rf_heatmap", spy)
    try:
        with pytest.warns(custseg.errors.CustsegWarning):
            custseg.report(tx, as_of="2024-07-01", bins=2)
    finally:
        mp.undo()
        plt.close("all")
    assert ("monetary", (-32.5, 80.0)) in drawn


# --------------------------------------------------------------------------
# long names wrap in the tables instead of pushing the numbers off the page

LONG_OWNERS = [
    "jennifer.lopez-martinez@regional-sales.example.com",
    "bo",
    "x" * 120,
]


def _owner_page(**options: Any) -> Any:
    pd = pytest.importorskip("pandas")
    from custseg.datasets import simulate_transactions

    tx = simulate_transactions(12, seed=9)
    ids = list(tx["customer_id"].unique())
    records = pd.DataFrame(
        {
            "customer_id": ids,
            "owner": [LONG_OWNERS[i % len(LONG_OWNERS)] for i in range(len(ids))],
        }
    )
    with pytest.warns(custseg.errors.CustsegWarning):
        return custseg.report(tx, records=records, charts=False, **options)


def test_row_names_may_break_anywhere() -> None:
    """A class or owner name is a row's header (``tbody th``): the page's
    styles let it break anywhere (``overflow-wrap: anywhere``), which
    ``break-word`` did not do when the table is sized: a 120-character
    name made its column 1,158 pixels wide, the numbers off the screen."""
    import re

    page = _owner_page()
    css = re.search(r"<style>(.*?)</style>", page.html, re.S)
    assert css is not None
    rules = {
        m.group(1).strip(): m.group(2)
        for m in re.finditer(r"([^{}]+)\{([^{}]*)\}", css.group(1))
    }
    assert "overflow-wrap: anywhere" in rules["tbody th"]
    assert "overflow-wrap: anywhere" in rules["td"]


def test_long_names_keep_the_numbers_on_a_desktop(tmp_path: Any) -> None:
    """In a browser 1,280 pixels wide the owners' table fits the page (it
    was 1,990 pixels wide), every name still written whole."""
    import importlib.util
    import shutil
    from pathlib import Path

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if importlib.util.find_spec("playwright") is None or not Path(chromium).exists():
        pytest.skip("needs playwright and a chromium binary")
    from playwright.sync_api import sync_playwright

    path = _owner_page().write(tmp_path / "owners.html")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(path.as_uri())
            wide, room, names = page.evaluate(
                """() => {
                  const t = document.querySelector('#ownership table');
                  return [t.scrollWidth, t.parentElement.clientWidth,
                    [...t.querySelectorAll('tbody th')].map(h => h.textContent)];
                }"""
            )
        finally:
            browser.close()
    assert wide <= room
    assert sorted(names) == sorted(LONG_OWNERS)
