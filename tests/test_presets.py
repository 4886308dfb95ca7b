"""The shipped rules presets: they compile cleanly, keep base's shape, encode
the trades' numbers, describe them honestly, score recency by fixed edges that
agree with their lifecycle, and label hand-made customers as the schemes say."""

from __future__ import annotations

import math
import re
import tomllib
from itertools import pairwise, product
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import ScoreEdges, quantile_edges, rules, score
from custseg.rules import ScoreSpec

NAN = math.nan
ALL = sorted(rules.presets())
INDUSTRY = sorted(name for name in ALL if name != "base")
EXPECTED_INDUSTRY = {
    "beauty_salon",
    "department_store",
    "ecommerce",
    "furniture",
    "mother_baby",
    "restaurant",
    "travel",
}
# What a preset that extends base may set: metadata, three params, two breaks,
# and the score edges.
OVERRIDABLE = {
    "params": {"key_amount", "loyal_orders", "lapsing_days", "new_days", "lost_days"},
    "tables": {"lifecycle": {"breaks"}, "care_phase": {"breaks"}},
    "scores": {"r": {"edges"}, "f": {"bins"}, "m": {"bins"}},
    "derived": {"r_high"},
}
META = {"format", "name", "description", "translations", "extends"}
BREAK_COUNT = {"lifecycle": 4, "care_phase": 3}

# The 11-segment grid by (R, FM), FM = (F + M) / 2 rounded half up.
RFM11_GRID = {
    5: {
        5: "Champions",
        4: "Champions",
        3: "Potential Loyalist",
        2: "Potential Loyalist",
        1: "New",
    },
    4: {
        5: "Loyal",
        4: "Loyal",
        3: "Potential Loyalist",
        2: "Potential Loyalist",
        1: "Promising",
    },
    3: {
        5: "Loyal",
        4: "Loyal",
        3: "Need Attention",
        2: "About to Sleep",
        1: "About to Sleep",
    },
    2: {
        5: "Can't Lose Them",
        4: "At Risk",
        3: "At Risk",
        2: "Hibernating",
        1: "Hibernating",
    },
    1: {
        5: "Can't Lose Them",
        4: "At Risk",
        3: "At Risk",
        2: "Hibernating",
        1: "Lost",
    },
}


def _doc(name: str) -> dict[str, Any]:
    return tomllib.loads(rules.preset_text(name))


def _table(**cols: list[float]) -> dict[str, np.ndarray]:
    """A customer table with every spine field; unspecified columns get
    harmless values (one purchase of 1 yuan, yesterday, scores 3)."""
    n = len(next(iter(cols.values())))
    defaults = {
        "recency_days": 1.0,
        "frequency": 1,
        "monetary": 1.0,
        "tenure_days": 1.0,
        "r": 3.0,
        "f": 3.0,
        "m": 3.0,
    }
    out = {k: np.full(n, v) for k, v in defaults.items()}
    for k, v in cols.items():
        assert len(v) == n
        out[k] = np.asarray(v, dtype=np.int64 if k == "frequency" else np.float64)
    # the days consistent (a first purchase no later than the last, which
    # the rules refuse): the one not given as the other allows
    if "tenure_days" not in cols:
        out["tenure_days"] = np.fmax(out["tenure_days"], out["recency_days"])
    elif "recency_days" not in cols:
        out["recency_days"] = np.fmin(out["recency_days"], out["tenure_days"])
    return out


def _labels(name: str, column: str, lang: str | None = None, **cols: Any) -> list[str]:
    out = rules.load(name).evaluate(_table(**cols), lang=lang)
    return out[column].to_numpy().tolist()


def _fm(f: int, m: int) -> int:
    """(F + M) / 2 rounded half up, in integers."""
    return (f + m + 1) // 2


class TestPresetsCompile:
    """Every shipped preset loads and checks without an error or warning."""

    def test_the_expected_presets_are_shipped(self) -> None:
        """presets() lists base and the seven industry presets."""
        assert set(ALL) == {"base"} | EXPECTED_INDUSTRY

    @pytest.mark.parametrize("name", ALL)
    def test_loads(self, name: str) -> None:
        """rules.load(name) compiles the preset under its own name."""
        rs = rules.load(name)
        assert rs.name == name
        assert rs.description == rules.presets()[name]
        assert rs.description

    @pytest.mark.parametrize("name", ALL)
    def test_check_has_no_error_or_warning(self, name: str) -> None:
        """rules.check(name) reports only info notes."""
        bad = [d.render() for d in rules.check(name) if d.severity != "info"]
        assert bad == []

    @pytest.mark.parametrize("name", ALL)
    def test_description_is_one_plain_line(self, name: str) -> None:
        """presets() reads the same description as the TOML parser."""
        assert rules.presets()[name] == _doc(name)["description"]


class TestIndustryShape:
    """Industry presets extend base and override only its windows and params."""

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_extends_base(self, name: str) -> None:
        """The file says extends = "base" and format = 1."""
        doc = _doc(name)
        assert doc["extends"] == "base"
        assert doc["format"] == 1

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_overrides_windows_and_params(self, name: str) -> None:
        """Every industry preset sets all of base's windows and day/amount params;
        anything else it adds is its own (a segmentation of its trade, the
        fields and params that segmentation reads, examples), and it changes
        base's segmentations only by replacing their rules (and the stages
        of the labels those keep)."""
        doc = _doc(name)
        base = _doc("base")
        assert {"params", "tables", "scores", "derived", "examples"} <= set(doc) - META
        assert set(doc) - META <= {
            "params",
            "tables",
            "scores",
            "derived",
            "segments",
            "tags",
            "fields",
            "examples",
        }
        assert set(doc["derived"]) == OVERRIDABLE["derived"]
        assert OVERRIDABLE["params"] <= set(doc["params"])
        assert not (set(doc["params"]) - OVERRIDABLE["params"]) & set(base["params"])
        assert {k: set(v) for k, v in doc["tables"].items()} == OVERRIDABLE["tables"]
        assert {k: set(v) for k, v in doc["scores"].items()} == OVERRIDABLE["scores"]
        for seg, spec in doc.get("segments", {}).items():
            if seg in base["segments"]:  # (and the stages of the labels kept)
                allowed = {"rules", "translations", "order", "stages_from", "stages"}
                assert set(spec) <= allowed, seg
        assert not set(doc.get("fields", {})) & set(base["fields"])

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_same_labels_as_base(self, name: str) -> None:
        """Tables and segmentations keep base's label names and translations."""
        base, rs = rules.load("base"), rules.load(name)
        assert set(rs.tables) == set(base.tables)
        for t in base.tables:
            assert rs.tables[t].names == base.tables[t].names
            assert rs.tables[t].translations == base.tables[t].translations
        assert set(base.segments) <= set(rs.segments)
        own = _doc(name).get("segments", {})
        for s in base.segments:
            if s in own:  # rules replaced: a label may go, none may come
                assert set(rs.segments[s].names) <= set(base.segments[s].names)
            else:
                assert rs.segments[s].names == base.segments[s].names

    @pytest.mark.parametrize("name", INDUSTRY)
    @pytest.mark.parametrize("table", sorted(BREAK_COUNT))
    def test_breaks_positive_and_increasing(self, name: str, table: str) -> None:
        """Breaks are positive whole days, strictly increasing, 4 or 3 of them."""
        breaks = rules.load(name).tables[table].breaks
        assert len(breaks) == BREAK_COUNT[table]
        assert breaks[0] > 0
        assert all(b == int(b) for b in breaks)
        assert all(a < b for a, b in pairwise(breaks))

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_lapsing_starts_the_sleeping_period(self, name: str) -> None:
        """lapsing_days is the silent -> sleeping break, as base documents."""
        rs = rules.load(name)
        assert rs.params["lapsing_days"] == rs.tables["lifecycle"].breaks[1]

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_params_are_sensible(self, name: str) -> None:
        """key_amount is positive yuan; loyal_orders is a repeat count (>= 2)."""
        params = rules.load(name).params
        assert params["key_amount"] > 0
        assert isinstance(params["loyal_orders"], int)
        assert params["loyal_orders"] >= 2

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_lifecycle_boundaries(self, name: str) -> None:
        """A break's day starts the next stage; the day before is still the last."""
        t = rules.load(name).tables["lifecycle"]
        days = [0.0, *(x for b in t.breaks for x in (b - 1, b)), NAN]
        want = [
            t.labels[0],
            *(x for i in range(len(t.breaks)) for x in t.labels[i : i + 2]),
            "no_purchase",
        ]
        # (the NaN row bought nothing: a buyer's NaN recency is unknown)
        bought = [1] * (len(days) - 1) + [0]
        assert _labels(name, "lifecycle", recency_days=days, frequency=bought) == want

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_care_phase_boundaries(self, name: str) -> None:
        """Care phases switch on their break days; no purchase has no phase."""
        t = rules.load(name).tables["care_phase"]
        days = [0.0, *(x for b in t.breaks for x in (b - 1, b)), NAN]
        want = [
            "care",
            *(x for i in range(len(t.breaks)) for x in t.labels[i : i + 2]),
            "no_purchase",
        ]
        bought = [1] * (len(days) - 1) + [0]
        assert _labels(name, "care_phase", tenure_days=days, frequency=bought) == want


class TestEcommerceSource:
    """ecommerce holds exactly the online shops' usual windows."""

    def test_lifecycle_windows(self) -> None:
        """Lifecycle breaks are 90/180/270/365 days."""
        assert rules.load("ecommerce").tables["lifecycle"].breaks == (
            90,
            180,
            270,
            365,
        )

    def test_care_phases(self) -> None:
        """Care phases are the beauty-salon source's 5/30/45 days."""
        assert rules.load("ecommerce").tables["care_phase"].breaks == (5, 30, 45)

    def test_worked_example(self) -> None:
        """89 active, 90 silent, 180 sleeping, 270 lost, 365 gone, NaN no purchase."""
        got = _labels(
            "ecommerce",
            "lifecycle",
            recency_days=[89, 90, 180, 270, 365, NAN],
            frequency=[1, 1, 1, 1, 1, 0],
        )
        assert got == ["active", "silent", "sleeping", "lost", "gone", "no_purchase"]

    def test_worked_example_in_chinese(self) -> None:
        """The same stages with lang="zh" use the source's terms."""
        got = _labels(
            "ecommerce",
            "lifecycle",
            lang="zh",
            recency_days=[89, 90, 180, 270, 365, NAN],
            frequency=[1, 1, 1, 1, 1, 0],
        )
        assert got == ["活跃期", "沉默期", "睡眠期", "流失期", "已流失", "未购买"]


class TestRelativeOrdering:
    """Windows follow the trades' purchase cycles relative to e-commerce."""

    @staticmethod
    def _active(name: str) -> float:
        return rules.load(name).tables["lifecycle"].breaks[0]

    @pytest.mark.parametrize("name", ["beauty_salon", "restaurant"])
    def test_fast_trades_have_a_shorter_active_window(self, name: str) -> None:
        """Salon and restaurant customers come back sooner than online shoppers."""
        assert self._active(name) < self._active("ecommerce")

    @pytest.mark.parametrize("name", ["furniture", "travel"])
    def test_slow_trades_have_a_longer_active_window(self, name: str) -> None:
        """Furniture and travel are bought far less often than online goods."""
        assert self._active(name) > self._active("ecommerce")

    @pytest.mark.parametrize("name", ["beauty_salon", "restaurant"])
    def test_fast_trades_are_gone_sooner(self, name: str) -> None:
        """The last lifecycle break of a fast trade comes before e-commerce's."""
        last = rules.load(name).tables["lifecycle"].breaks[-1]
        assert last < rules.load("ecommerce").tables["lifecycle"].breaks[-1]

    def test_beauty_salon_keeps_the_source_care_phases(self) -> None:
        """The salon preset uses its own source's 0-5 / 5-30 / 30-45 days."""
        assert rules.load("beauty_salon").tables["care_phase"].breaks == (5, 30, 45)


class TestEvaluate:
    """Each preset labels a small hand-made table as the schemes say."""

    @pytest.mark.parametrize("name", ALL)
    def test_rfm11_examples(self, name: str) -> None:
        """5/5/5 Champions, 1/1/1 Lost, missing scores Unscored, and the grid's
        other corners."""
        got = _labels(
            name,
            "rfm11",
            r=[5, 1, NAN, 5, 1, 3],
            f=[5, 1, NAN, 1, 5, 3],
            m=[5, 1, NAN, 1, 5, 3],
        )
        assert got == [
            "Champions",
            "Lost",
            "Unscored",
            "New",
            "Can't Lose Them",
            "Need Attention",
        ]

    @pytest.mark.parametrize("name", ALL)
    def test_rfm_vignette_examples(self, name: str) -> None:
        """One row per vignette segment, first match wins, gaps are Others."""
        rows = {
            (5, 5, 5): "Champions",
            (4, 4, 3): "Potential Loyalist",
            (2, 2, 2): "Loyal Customers",
            (4, 1, 3): "Promising",
            (5, 1, 1): "New Customers",
            (1, 3, 5): "Can't Lose Them",
            (1, 5, 5): "At Risk",
            (1, 3, 3): "Need Attention",
            (2, 1, 1): "About To Sleep",
            (1, 1, 1): "Lost",
            (2, 1, 5): "Others",
            (NAN, NAN, NAN): "Unscored",
        }
        r, f, m = (list(col) for col in zip(*rows, strict=True))
        assert _labels(name, "rfm_vignette", r=r, f=f, m=m) == list(rows.values())

    @pytest.mark.parametrize("name", ALL)
    def test_ecom4_uses_the_preset_params(self, name: str) -> None:
        """The four classes switch exactly at key_amount, lapsing_days and
        loyal_orders of the preset."""
        p = rules.load(name).params
        key, lapse, loyal = p["key_amount"], p["lapsing_days"], p["loyal_orders"]
        got = _labels(
            name,
            "ecom4",
            monetary=[key, key, key - 1, key - 1, key - 1],
            recency_days=[lapse, lapse - 1, lapse, 0, 0],
            frequency=[1, 1, loyal, loyal, loyal - 1],
        )
        assert got == [
            "Key Retention",
            "Key Development",
            "Ordinary Loyal",
            "Ordinary Loyal",
            "Ordinary",
        ]

    @pytest.mark.parametrize("name", ALL)
    def test_chinese_labels(self, name: str) -> None:
        """lang="zh" gives the Chinese names for every scheme."""
        p = rules.load(name).params
        out = rules.load(name).evaluate(
            _table(
                r=[5, NAN],
                f=[5, NAN],
                m=[5, NAN],
                recency_days=[0, NAN],
                tenure_days=[0, NAN],
                monetary=[p["key_amount"], 0],
                frequency=[1, 0],
            ),
            lang="zh",
        )
        names = ("rfm11", "rfm_vignette", "ecom4", "lifecycle", "care_phase")
        got = {k: out[k].to_numpy().tolist() for k in names}
        assert got == {
            "rfm11": ["冠军客户", "未评分"],
            "rfm_vignette": ["冠军客户", "未评分"],
            "ecom4": ["重点发展客户", "未评分"],
            "lifecycle": ["活跃期", "未购买"],
            "care_phase": ["关怀", "未购买"],
        }


class TestRfm11Grid:
    """rfm11 maps every one of the 25 (R, FM) cells to exactly one segment."""

    @staticmethod
    def _all_scores() -> tuple[list[int], list[int], list[int]]:
        cells = list(product(range(1, 6), repeat=3))
        r, f, m = (list(col) for col in zip(*cells, strict=True))
        return r, f, m

    @pytest.mark.parametrize("name", ALL)
    def test_every_score_is_labelled(self, name: str) -> None:
        """No complete (r, f, m) falls through to Unscored."""
        r, f, m = self._all_scores()
        got = _labels(name, "rfm11", r=r, f=f, m=m)
        assert len(got) == 125
        assert "Unscored" not in got

    @pytest.mark.parametrize("name", ALL)
    def test_every_rule_label_is_reached(self, name: str) -> None:
        """All 11 segments occur among the 125 score combinations (the first
        rule, "Unscored", takes the rows with a score missing)."""
        r, f, m = self._all_scores()
        got = set(_labels(name, "rfm11", r=r, f=f, m=m))
        rule_labels = {rule.label for rule in rules.load(name).segments["rfm11"].rules}
        assert len(rule_labels) == 12
        assert got == rule_labels - {"Unscored"}
        none = _labels(name, "rfm11", r=[5, None, 4], f=[5, 5, None], m=[None, 5, 5])
        assert list(none) == ["Unscored"] * 3

    @pytest.mark.parametrize("name", ALL)
    def test_labels_match_the_grid(self, name: str) -> None:
        """Each (r, f, m) gets the label of its (R, FM) cell, one label per cell."""
        r, f, m = self._all_scores()
        got = _labels(name, "rfm11", r=r, f=f, m=m)
        per_cell: dict[tuple[int, int], set[str]] = {}
        for ri, fi, mi, label in zip(r, f, m, got, strict=True):
            per_cell.setdefault((ri, _fm(fi, mi)), set()).add(label)
        assert len(per_cell) == 25
        assert per_cell == {
            (ri, fm): {RFM11_GRID[ri][fm]} for ri in range(1, 6) for fm in range(1, 6)
        }

    @pytest.mark.parametrize(
        ("r", "f", "m", "want"),
        [
            (5, 4, 3, "Champions"),  # FM 3.5 -> 4
            (5, 3, 3, "Potential Loyalist"),  # FM 3
            (3, 3, 2, "Need Attention"),  # FM 2.5 -> 3
            (3, 2, 2, "About to Sleep"),  # FM 2
            (5, 2, 1, "Potential Loyalist"),  # FM 1.5 -> 2, not New
            (1, 5, 4, "Can't Lose Them"),  # FM 4.5 -> 5
            (1, 4, 4, "At Risk"),  # FM 4
            (1, 2, 1, "Hibernating"),  # FM 1.5 -> 2, not Lost
        ],
    )
    def test_fm_rounds_half_up(self, r: int, f: int, m: int, want: str) -> None:
        """FM = (F + M) / 2 rounded half up decides the cell."""
        assert want == RFM11_GRID[r][_fm(f, m)]
        assert _labels("base", "rfm11", r=[r], f=[f], m=[m]) == [want]


# --------------------------------------------------------------------------
# honest texts

DOCS = Path(__file__).parents[1] / "docs" / "rules.md"
# a reference to material that does not ship: "source 000", "Source 4",
# "sources/...", "domain.md", "(source)" -- say where a number comes from in words
UNSHIPPED = re.compile(
    r"\bsources?\b\s*(\d|/|'s\b)|\bsources?/|\w+\.md\b|\bsource\b", re.I
)


class TestHonestTexts:
    """No preset text cites numbered sources or files that do not ship."""

    @pytest.mark.parametrize("name", ALL)
    def test_preset_text(self, name: str) -> None:
        """Neither comments nor values of the preset mention a source or a file."""
        bad = [
            line
            for line in rules.preset_text(name).splitlines()
            if UNSHIPPED.search(line)
        ]
        assert bad == []

    def test_presets_listing(self) -> None:
        """The descriptions `custseg presets` prints cite no source either."""
        bad = {k: v for k, v in rules.presets().items() if UNSHIPPED.search(v)}
        assert bad == {}

    def test_docs_page(self) -> None:
        """docs/rules.md cites no numbered source and lists the real descriptions."""
        text = DOCS.read_text(encoding="utf-8")
        assert re.search(r"\bsources?\s*\d", text, re.I) is None
        for name, description in rules.presets().items():
            assert f"{name:<18}{description}" in text, name

    @pytest.mark.parametrize(
        "line",
        [
            "# the trade of source 000, whose article",
            "# Source 4 stresses trust",
            "description = 'x (source 001)'",
            "# see sources/beauty.md",
            "# (domain.md system 2)",
            "# the e-commerce source's windows",
        ],
    )
    def test_the_check_catches_citations(self, line: str) -> None:
        """The pattern above finds each way of citing an unshipped source."""
        assert UNSHIPPED.search(line)


# --------------------------------------------------------------------------
# fixed score edges and the stages segments are meant for

LIFECYCLE_STAGES = ("active", "silent", "sleeping", "lost", "gone")


class TestFixedRecencyEdges:
    """Industry presets score R by fixed days that agree with their lifecycle;
    base keeps quantile scores."""

    def test_base_is_quantile(self) -> None:
        """base has no [scores]: quantile edges, the caller's bin count."""
        assert rules.load("base").scores == {}

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_recency_edges_follow_the_lifecycle(self, name: str) -> None:
        """R = 5 and 4 split the active stage, R = 3 is silent, R = 2 sleeping,
        R = 1 lost or gone: edges = (e, active end, silent end, sleeping end)."""
        rs = rules.load(name)
        spec = rs.scores["r"]
        breaks = rs.tables["lifecycle"].breaks
        assert spec.edges is not None
        assert spec.edges[1:] == breaks[:3]
        assert 0 < spec.edges[0] < breaks[0]
        assert spec.bins == 5 == rs.fields["r"].max

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_rfm8_splits_recency_at_the_sleeping_stage(self, name: str) -> None:
        """R high in the 8-type model is R >= 3: recency below the silent ->
        sleeping break (lapsing_days), for every preset's edges."""
        rs = rules.load(name)
        edges = rs.scores["r"].edges
        assert edges is not None
        assert edges[2] == rs.tables["lifecycle"].breaks[1] == rs.params["lapsing_days"]
        lapse = rs.params["lapsing_days"]
        rec = np.array([0.0, lapse - 1, lapse, lapse * 3])
        r = score(rec, ScoreEdges(edges), higher_is_better=False).astype(float)
        got = _labels(name, "rfm8", recency_days=rec, r=r, frequency=[1, 1, 1, 1])
        assert [g.startswith("General Develop") for g in got] == [
            True,
            True,
            False,
            False,
        ]

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_description_gives_the_numbers(self, name: str) -> None:
        """The one-line description states the lifecycle and recency edges."""
        rs = rules.load(name)
        edges = rs.scores["r"].edges
        assert edges is not None
        days = "/".join(f"{e:g}" for e in rs.tables["lifecycle"].breaks)
        assert f"lifecycle {days} days" in rs.description
        assert "recency scores " + "/".join(f"{e:g}" for e in edges) in rs.description

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_frequency_and_monetary_stay_quantile(self, name: str) -> None:
        """F and M: 5 quantile scores, as the r/f/m fields declare."""
        rs = rules.load(name)
        assert rs.scores["f"] == rs.scores["m"] == ScoreSpec(None, 5)
        assert rs.fields["f"].max == rs.fields["m"].max == 5

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_scores_match_custseg_score(self, name: str) -> None:
        """A value on an edge gets the lower score: edges (30, 90, ...) give 29 -> 5,
        30 -> 4, as custseg.score with higher_is_better=False."""
        edges = rules.load(name).scores["r"].edges
        assert edges is not None
        x = np.array([0.0, *(e - 0.5 for e in edges), *edges, edges[-1] + 1e6])
        got = score(x, ScoreEdges(edges), higher_is_better=False).tolist()
        want = [5, 5, 4, 3, 2, 4, 3, 2, 1, 1]
        assert got == want


def _grid(name: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Customers on a grid of recency (around every edge and break) x F and M
    scores x amount and order count around the preset's params; R from the
    preset's fixed edges. Returns the table and the recency days."""
    rs = rules.load(name)
    edges = rs.scores["r"].edges
    assert edges is not None
    points = {0.0, 1.0}
    for b in (*edges, *rs.tables["lifecycle"].breaks):
        points |= {b - 1, b - 0.5, b, b + 0.5, b + 1}
    days = np.array([*sorted(points), 4000.0, NAN])
    p = rs.params
    cells = list(
        product(
            days,
            range(1, 6),
            range(1, 6),
            (0.0, p["key_amount"] - 1, p["key_amount"]),
            tuple(sorted({1, 2, p["loyal_orders"]})),  # new, repeat, loyal
        )
    )
    rec, f, m, money, freq = (
        np.array(c, dtype=float) for c in zip(*cells, strict=True)
    )
    r = np.full(len(rec), NAN)
    seen = ~np.isnan(rec)
    r[seen] = score(rec[seen], ScoreEdges(edges), higher_is_better=False)
    f[~seen] = NAN  # no purchase: no scores, nothing spent
    m[~seen] = NAN
    money[~seen] = 0.0
    freq[~seen] = 0
    table = _table(recency_days=rec, r=r, f=f, m=m, monetary=money, frequency=freq)
    table["tenure_days"] = np.where(seen, rec, NAN)
    return table, rec


def _contradictions(
    rs: rules.RuleSet, table: dict[str, np.ndarray]
) -> dict[str, dict[str, set[str]]]:
    """Per segmentation with stages: label -> the stages it holds but is not
    meant for."""
    out = rs.evaluate(table)
    bad: dict[str, dict[str, set[str]]] = {}
    for seg in rs.segments.values():
        if not seg.stages or seg.name in out.skipped:  # (customer records)
            continue
        assert seg.stages_from is not None
        stage = out[seg.stages_from].to_numpy()
        label = out[seg.name].to_numpy()
        for lab, allowed in seg.stages.items():
            held = set(stage[label == lab].tolist()) - set(allowed)
            if held:
                bad.setdefault(seg.name, {})[lab] = held
    return bad


class TestStages:
    """Segments name the lifecycle stages they are meant for; with the fixed
    recency edges no customer contradicts them."""

    @pytest.mark.parametrize("name", ALL)
    def test_schemes_declare_stages(self, name: str) -> None:
        """All four schemes constrain their labels to lifecycle stages."""
        rs = rules.load(name)
        for seg in ("rfm11", "rfm_vignette", "rfm8", "ecom4"):
            s = rs.segments[seg]
            assert s.stages_from == "lifecycle"
            assert set(s.stages) <= set(s.names)
            assert all(set(v) <= set(LIFECYCLE_STAGES) for v in s.stages.values())
        stages = rs.segments["rfm11"].stages
        assert stages["Champions"] == ("active",)
        assert stages["Lost"] == ("lost", "gone")
        assert "active" not in stages["Hibernating"]
        assert not {"lost", "gone"} & set(stages["Loyal"])

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_no_contradiction_on_the_grid(self, name: str) -> None:
        """Every customer of the grid is in a stage its segments are meant for."""
        table, _ = _grid(name)
        assert _contradictions(rules.load(name), table) == {}

    @pytest.mark.parametrize("name", INDUSTRY)
    def test_the_grid_reaches_every_constrained_label(self, name: str) -> None:
        """The check above is not vacuous: each constrained label occurs."""
        rs = rules.load(name)
        table, _ = _grid(name)
        out = rs.evaluate(table)
        optional = {f for f, spec in rs.fields.items() if spec.optional}
        assert set(out.skipped) == {
            n
            for n, reads in rs.fields_read().items()
            if reads & optional and n not in rs.derived and n not in rs.tagsets
        }
        for seg in rs.segments.values():
            if seg.name in out.skipped:  # reads customer records the grid lacks
                continue
            got = set(out[seg.name].to_numpy().tolist())
            assert set(seg.stages) <= got, seg.name

    @settings(max_examples=60, deadline=None)
    @given(
        st.sampled_from(INDUSTRY),
        st.lists(
            st.tuples(
                st.floats(0, 5000, allow_nan=False),
                st.integers(1, 5),
                st.integers(1, 5),
                st.floats(0, 1e5, allow_nan=False),
                st.integers(1, 40),
            ),
            min_size=1,
            max_size=40,
        ),
    )
    def test_no_contradiction_for_any_customers(
        self, name: str, rows: list[tuple[float, int, int, float, int]]
    ) -> None:
        """Any recency, scores, amounts and counts: still no contradiction."""
        rs = rules.load(name)
        edges = rs.scores["r"].edges
        assert edges is not None
        rec, f, m, money, freq = (list(c) for c in zip(*rows, strict=True))
        r = score(np.array(rec), ScoreEdges(edges), higher_is_better=False)
        table = _table(
            recency_days=rec,
            r=r.astype(float).tolist(),
            f=[float(x) for x in f],
            m=[float(x) for x in m],
            monetary=money,
            frequency=freq,
            tenure_days=rec,
        )
        assert _contradictions(rs, table) == {}

    def test_quantile_scores_of_old_customers_contradict(self) -> None:
        """The issue's case: quantile R edges on customers who are all old put
        lost and gone customers in Champions and Loyal; the stages show it."""
        rng = np.random.default_rng(1)
        rec = rng.uniform(300, 700, 500).round()
        r = score(rec, quantile_edges(rec), higher_is_better=False).astype(float)
        f = rng.integers(1, 6, 500).astype(float)
        table = _table(recency_days=rec, r=r, f=f, m=f.copy())
        bad = _contradictions(rules.load("base"), table)
        assert {"lost", "gone"} & bad["rfm11"]["Champions"]
        assert {"lost", "gone"} & bad["rfm11"]["Loyal"]

    def test_recent_buyer_is_not_lost_with_fixed_edges(self) -> None:
        """The issue's two-customer file: a buyer of two days ago is active and
        scores R = 5 (never 'Lost') under fixed edges."""
        rs = rules.load("ecommerce")
        edges = rs.scores["r"].edges
        assert edges is not None
        rec = np.array([2.0, 400.0])
        r = score(rec, ScoreEdges(edges), higher_is_better=False).astype(float)
        out = rs.evaluate(_table(recency_days=rec, r=r, f=[1, 1], m=[1, 1]))
        assert out["lifecycle"].to_numpy().tolist() == ["active", "gone"]
        assert out["rfm11"].to_numpy().tolist() == ["New", "Lost"]
