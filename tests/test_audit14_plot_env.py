"""custseg.plot, audit 14: the caller's matplotlib settings.

- ``to_svg`` saves with ``svg.*`` and ``savefig.*`` settings of its own: a
  user's ``svg.image_inline: False`` wrote the heatmaps' images to
  ``.image0.png`` in the working directory (the SVG, and the report,
  referring to it), ``svg.id`` gave every chart of a page the same id,
  ``savefig.bbox: tight`` and the like changed the SVG.
- custseg's drawings are free of TeX: a user's ``text.usetex: True``
  crashed every plot and ``custseg.report`` without LaTeX (matplotlib's
  RuntimeError); ``axes.formatter.use_mathtext`` wrote ``$\\mathdefault{20}$``
  on the axes (texts are drawn as typed).
- A user's style still applies (docs/plots.md, "Your matplotlib settings").
- ``MPLBACKEND=nonexistent`` (matplotlib cannot be imported) gives an
  InputError naming it, not matplotlib's ValueError and a traceback.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

mpl = pytest.importorskip("matplotlib", reason="needs the plot extra (matplotlib)")

import matplotlib.style  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import custseg  # noqa: E402
from custseg import plot  # noqa: E402

#: settings that change how a figure is saved or how text is typeset; none
#: may change custseg's SVG (nor write a file, nor crash without LaTeX)
HOSTILE: dict[str, Any] = {
    "svg.image_inline": False,
    "svg.id": "mine",
    "svg.fonttype": "path",
    "svg.hashsalt": "salt",
    "savefig.bbox": "tight",
    "savefig.dpi": 300,
    "savefig.transparent": True,
    "savefig.facecolor": "red",
    "text.usetex": True,
    "axes.formatter.use_mathtext": True,
}

#: a reference to anything but a fragment or a data: URL
EXTERNAL = re.compile(r'href="(?!#|data:)[^"]*"')


def _inputs() -> dict[str, Any]:
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
        "summary": custseg.segment_summary(stage, facts),
        "scores": custseg.rfm_scores(
            facts.recency_days, facts.frequency, facts.monetary, nan="unknown"
        ),
        "facts": facts,
        "tm": custseg.transition_matrix(
            ["no_purchase", "no_purchase", "80% b", "80% b"],
            ["no_purchase", "80% b", "80% b", "80% b"],
        ),
        "assignment": custseg.assign_owners([100, 80, 60, 40, 20], ["amy", "bo"]),
    }


DATA = _inputs()

#: every plot function, on a tiny input
DRAWINGS: dict[str, Callable[[Any], Axes]] = {
    "rf_heatmap": lambda ax: plot.rf_heatmap(DATA["scores"], ax=ax),
    "transition_heatmap": lambda ax: plot.transition_heatmap(DATA["tm"], ax=ax),
    "segment_sizes": lambda ax: plot.segment_sizes(DATA["summary"], ax=ax),
    "lorenz": lambda ax: plot.lorenz(DATA["facts"], ax=ax),
    "score_distribution": lambda ax: plot.score_distribution(DATA["scores"], ax=ax),
    "label_counts": lambda ax: plot.label_counts(DATA["stage"], ax=ax),
    "workload": lambda ax: plot.workload(DATA["assignment"], ax=ax),
}
#: the heatmaps draw images; lorenz and segment_sizes have numeric axes
SVG_PLOTS = ("rf_heatmap", "transition_heatmap", "lorenz", "segment_sizes")


def _svgs() -> dict[str, str]:
    return {name: plot.to_svg(DRAWINGS[name](None)) for name in SVG_PLOTS}


@pytest.fixture(scope="module")
def default_svgs() -> dict[str, str]:
    with mpl.rc_context():
        mpl.rcdefaults()
        return _svgs()


def _check_self_contained(svg: str, cwd: Path) -> None:
    assert not EXTERNAL.findall(svg)
    assert os.listdir(cwd) == []  # nothing written next to it


class TestToSvgSettings:
    @settings(
        max_examples=4,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(keys=st.sets(st.sampled_from(sorted(HOSTILE)), min_size=1))
    @example(keys={"svg.image_inline"})
    @example(keys={"text.usetex"})
    @example(keys={"axes.formatter.use_mathtext"})
    @example(keys=set(HOSTILE))
    def test_same_svg_whatever_the_save_and_tex_settings(
        self,
        keys: set[str],
        default_svgs: dict[str, str],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Under any of these settings, the SVG of each plot is the one of
        matplotlib's defaults, refers to nothing outside itself, and no file
        is written into the working directory."""
        monkeypatch.chdir(tmp_path)
        with mpl.rc_context({k: HOSTILE[k] for k in keys}):
            svgs = _svgs()
        for name, svg in svgs.items():
            _check_self_contained(svg, tmp_path)
            assert svg == default_svgs[name], name
        assert svgs["rf_heatmap"].count('xlink:href="data:image/png;base64,') == 1

    @pytest.mark.parametrize("style", ["dark_background", "classic"])
    def test_a_style_applies_and_the_svg_stays_self_contained(
        self,
        style: str,
        default_svgs: dict[str, str],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """A style sheet shows in the picture (documented), together with
        hostile save settings: self-contained, the same twice, no file."""
        monkeypatch.chdir(tmp_path)
        with matplotlib.style.context([style, HOSTILE]):
            first, again = _svgs(), _svgs()
        assert first == again
        for name, svg in first.items():
            _check_self_contained(svg, tmp_path)
            assert svg != default_svgs[name], name  # the style applies


class TestTexFree:
    @pytest.mark.parametrize("yours", [False, True], ids=["new", "yours"])
    @pytest.mark.parametrize("name", sorted(DRAWINGS))
    def test_drawings_work_under_usetex_and_mathtext(
        self, name: str, yours: bool
    ) -> None:
        """Under text.usetex (no LaTeX here) and axes.formatter.use_mathtext,
        a plot on a new figure or on an Axes made under those settings draws,
        saves as PNG outside custseg (the figure it returns keeps working) and
        as SVG, and its tick labels are plain numbers and names."""
        rc = {"text.usetex": True, "axes.formatter.use_mathtext": True}
        with mpl.rc_context(rc):
            ax = DRAWINGS[name](Figure().add_subplot() if yours else None)
            ax.figure.savefig(io.BytesIO(), format="png")
            svg = plot.to_svg(ax)
        labels = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        assert all(label and "$" not in label for label in labels), labels
        assert "mathdefault" not in svg


class TestReport:
    def test_report_is_the_same_under_hostile_settings(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """custseg.report() gives the page of matplotlib's defaults: charts
        inside it (no file beside it, in the working directory or anywhere
        the page would refer to), no crash under text.usetex."""
        monkeypatch.chdir(tmp_path)
        tx = custseg.datasets.simulate_transactions(120, seed=5)
        with mpl.rc_context():
            mpl.rcdefaults()
            expected = custseg.report(tx, preset="ecommerce", as_of="2025-01-01")
        with mpl.rc_context(HOSTILE):
            got = custseg.report(tx, preset="ecommerce", as_of="2025-01-01")
        assert "<svg" in got.html and "Chart not drawn" not in got.html
        assert not EXTERNAL.findall(got.html)
        assert os.listdir(tmp_path) == []
        assert got.html == expected.html


def _run(script: str, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """*script* run by a new Python in *cwd* with *env* added (matplotlib
    reads MPLBACKEND and MATPLOTLIBRC when imported); its last line is JSON."""
    full = {**os.environ, **env}
    for name in ("MPLBACKEND", "MATPLOTLIBRC"):  # only those of the test
        if name not in env:
            full.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.splitlines()[-1]))


class TestEnvironment:
    def test_matplotlibrc_of_the_user_cli_report(self, tmp_path: Path) -> None:
        """A matplotlibrc ($MATPLOTLIBRC) with svg.image_inline False and
        text.usetex True: `custseg report` writes a self-contained page and
        nothing into the working directory."""
        rc = tmp_path / "rc"
        rc.mkdir()
        (rc / "matplotlibrc").write_text(
            "svg.image_inline: False\ntext.usetex: True\nsvg.id: mine\n"
        )
        work = tmp_path / "work"
        work.mkdir()
        out = _run(
            """
            import json, os, sys
            import custseg
            from custseg.cli import main
            tx = custseg.datasets.simulate_transactions(120, seed=5)
            os.mkdir("in")
            os.mkdir("out")
            tx.to_csv("in/tx.csv", index=False)
            status = main(["report", "in/tx.csv", "--preset", "ecommerce",
                           "--as-of", "2025-01-01", "--output", "out/r.html"])
            html = open("out/r.html", encoding="utf-8").read()
            print(json.dumps({"status": status, "html": html,
                              "files": sorted(os.listdir("."))}))
            """,
            {"MATPLOTLIBRC": str(rc)},
            work,
        )
        assert out["status"] == 0
        assert out["files"] == ["in", "out"]
        assert "<svg" in out["html"] and not EXTERNAL.findall(out["html"])
        assert ' id="mine"' not in out["html"]

    def test_unknown_mplbackend_is_an_input_error(self, tmp_path: Path) -> None:
        """MPLBACKEND=nonexistent: every plot function raises an InputError
        naming MPLBACKEND and the fix (not matplotlib's ValueError); the
        report, and `custseg report`, say so in the charts' places."""
        out = _run(
            """
            import json
            import numpy as np
            import custseg
            from custseg import plot
            from custseg.cli import main
            from custseg.errors import InputError
            facts = custseg.summarize(["a", "b"], np.array(["2024-01-02",
                "2024-02-10"], dtype="datetime64[D]"), [10.0, 5.0],
                as_of="2024-04-01")
            stage = custseg.lifecycle_stage(facts.recency_days)
            scores = custseg.rfm_scores(facts.recency_days, facts.frequency,
                                        facts.monetary)
            calls = {
                "cjk_fonts": plot.cjk_fonts,
                "label_counts": lambda: plot.label_counts(stage),
                "segment_sizes": lambda: plot.segment_sizes(
                    custseg.segment_summary(stage, facts)),
                "rf_heatmap": lambda: plot.rf_heatmap(scores),
                "score_distribution": lambda: plot.score_distribution(scores),
                "lorenz": lambda: plot.lorenz(facts),
                "transition_heatmap": lambda: plot.transition_heatmap(
                    custseg.transition_matrix(["a"], ["b"])),
                "workload": lambda: plot.workload(
                    custseg.assign_owners([1.0, 2.0], ["amy"])),
            }
            errors = {}
            for name, call in calls.items():
                try:
                    call()
                    errors[name] = None
                except InputError as exc:
                    errors[name] = str(exc)
                except Exception as exc:
                    errors[name] = "not an InputError: " + repr(exc)
            tx = custseg.datasets.simulate_transactions(120, seed=5)
            tx.to_csv("tx.csv", index=False)
            status = main(["report", "tx.csv", "--preset", "ecommerce",
                           "--as-of", "2025-01-01", "--output", "r.html"])
            html = open("r.html", encoding="utf-8").read()
            print(json.dumps({"errors": errors, "status": status, "html": html}))
            """,
            {"MPLBACKEND": "nonexistent"},
            tmp_path,
        )
        for name, message in out["errors"].items():
            assert message is not None, name
            assert message.startswith("'MPLBACKEND'"), (name, message)
            assert "'nonexistent'" in message and "unset it" in message
            assert "MPLBACKEND=agg" in message
        assert out["status"] == 0
        assert "Chart not drawn" in out["html"]
        assert "MPLBACKEND" in out["html"] and "<svg" not in out["html"]
