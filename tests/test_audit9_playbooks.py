"""Audit 9, F8 and F10: default playbooks for the status, value, visit and
store classes and conversion readiness; the command-line example of
docs/playbook.md.

- F8: ``default_playbook`` and ``custseg due --class-column`` knew no
  playbook for ``value_tier``, ``status``, ``status_crm``, ``store_class``,
  ``visit_tier`` and ``readiness``, which the presets output (value tier D
  was "no action defined" under the ``abc`` playbook; ``status`` an error).
- F10: the page's ``custseg segment ... && custseg due ... --last-contact
  last_contact --birthday birthday --points points`` failed as written: the
  columns come only from ``--records``.
"""

from __future__ import annotations

import math
import re
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.cli import main
from custseg.datasets import simulate_customers, simulate_transactions
from custseg.playbook import (
    NO_ACTION,
    PLAYBOOK_NAMES,
    RECENCY_UNKNOWN,
    STOPPED,
    actions,
    default_playbook,
)
from custseg.value import READINESS_APPROACH

NEW = ("status", "status_crm", "value_tier", "visit_tier", "store_class", "readiness")
PAGE = Path(__file__).resolve().parents[1] / "docs" / "playbook.md"


def _outputs(name: str) -> list[tuple[str, rules.RuleSet]]:
    """The presets that output classification *name*."""
    found = []
    for preset in rules.presets():
        rs = rules.preset(preset)
        if name in rs.outputs:
            found.append((preset, rs))
    return found


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """sales.csv and crm.csv: simulated transactions and customer records
    (with last_contact, birthday and points, as on the docs page)."""
    folder = tmp_path_factory.mktemp("audit9_playbooks")
    tx = simulate_transactions(120, seed=9)
    crm = simulate_customers(tx, seed=9)
    rng = np.random.default_rng(9)
    n = len(crm)
    contact = pd.Timestamp("2024-10-01") + pd.to_timedelta(rng.integers(0, 90, n), "D")
    crm["last_contact"] = pd.Series(contact).where(rng.random(n) > 0.2)
    crm["birthday"] = pd.Timestamp("1970-01-01") + pd.to_timedelta(
        rng.integers(0, 15000, n), "D"
    )
    crm["points"] = rng.integers(0, 2000, n)
    sales = folder / "sales.csv"
    records = folder / "crm.csv"
    tx.to_csv(sales, index=False)
    crm.to_csv(records, index=False, date_format="%Y-%m-%d")
    return sales, records


# --------------------------------------------------------------------------
# every label of every preset has an action
# --------------------------------------------------------------------------


class TestCoverage:
    """The new playbooks cover every label the presets give, in both languages."""

    def test_names_are_known(self):
        """The six classifications are default playbooks, before abc."""
        assert set(NEW) <= set(PLAYBOOK_NAMES)
        assert PLAYBOOK_NAMES[-1] == "abc"

    @pytest.mark.parametrize("name", NEW)
    def test_every_preset_label_has_an_action(self, name):
        """Each preset's label names and Chinese names find an action, with
        the preset's playbook and the default one alike."""
        found = _outputs(name)
        assert found, name
        for preset, rs in found:
            out = rs.segments[name]
            for pb in (default_playbook(name), rs.playbook(name)):
                assert pb is not None
                assert pb.uncovered(out.names) == (), preset
                zh = out.translations.get("zh", {})
                assert set(zh) == set(out.names), preset
                for label, alias in zh.items():
                    assert pb.action_for(alias) == pb.action_for(label), (
                        preset,
                        alias,
                    )

    @pytest.mark.parametrize("name", NEW)
    def test_no_extra_labels(self, name):
        """The playbook names no label that no preset gives (a typo would)."""
        given_ = set()
        for _, rs in _outputs(name):
            given_ |= set(rs.segments[name].names)
        assert set(default_playbook(name).actions) == given_

    @pytest.mark.parametrize("name", NEW)
    def test_preset_deadline(self, name):
        """RuleSet.playbook sets the preset's win-back deadline; the status
        classes' lost customers have one, and the visit tiers' buyers (who
        may be gone: audit 28); the classes from records have none."""
        for _, rs in _outputs(name):
            pb = rs.playbook(name)
            with_deadline = {k for k, a in pb.actions.items() if a.deadline_days}
            if name in ("status", "status_crm"):
                assert with_deadline == {"lost"}
                assert pb.actions["lost"].deadline_days == rs.win_back_deadline()
                # the win-back starts before it stops
                assert rs.params["lost_days"] < rs.win_back_deadline()
            elif name == "visit_tier":
                assert with_deadline == {"vip", "ordinary_member", "walk_in"}
                for label in with_deadline:
                    deadline = pb.actions[label].deadline_days
                    assert deadline == rs.win_back_deadline()
            else:
                assert with_deadline == set()

    def test_domain_actions(self):
        """domain.md §11: A personal high-end service, B latent needs, C general
        promotions (as abc); VIP personal care and referrals; readiness
        reuses READINESS_APPROACH; the data-missing classes ask for it."""
        tier, abc = default_playbook("value_tier"), default_playbook("abc")
        for label in "ABC":
            assert tier.actions[label] == abc.actions[label]
        assert "means and intent" in tier.actions["D"].action
        for name in ("status", "status_crm", "visit_tier", "store_class"):
            vip = "loyal" if name.startswith("status") else "vip"
            action = default_playbook(name).actions[vip]
            assert "referrals" in action.action
            assert action.priority <= 2
        assert default_playbook("status").actions["lost"].action.startswith("Win-back")
        ready = default_playbook("readiness")
        zh_of = {e: z for z, e in ready.aliases.items()}
        for label, action in ready.actions.items():
            text = READINESS_APPROACH["en"][label]
            assert action.action == text[0].upper() + text[1:]
            assert action.text("zh")[0] == READINESS_APPROACH["zh"][zh_of[label]]
        assert ready.labels[0] == "ready"
        for name in ("status", "status_crm", "store_class"):
            assert default_playbook(name).actions["unknown"].cadence_days is None

    @pytest.mark.parametrize(
        ("preset", "names"),
        [
            ("beauty_salon", ("value_tier", "visit_tier", "status", "status_crm")),
            ("mother_baby", ("store_class", "status", "status_crm")),
            ("furniture", ("readiness", "status", "status_crm")),
        ],
    )
    def test_chinese_preset_output(self, preset, names):
        """lang="zh" output (Chinese labels) gets Chinese actions, none missing."""
        tx = simulate_transactions(80, seed=3)
        crm = simulate_customers(tx, seed=3)
        df = custseg.segment(tx, preset=preset, records=crm, lang="zh").to_pandas()
        rs = rules.preset(preset)
        for name in names:
            plan = actions(
                df[name], rs.playbook(name), recency_days=df["recency_days"], lang="zh"
            )
            assert plan.uncovered == ()
            assert plan.unclassified == 0
            texts = set(plan.to_pandas()["action"])
            assert not texts & {NO_ACTION, "未定义动作"}
            assert all(re.search(r"[\u4e00-\u9fff]", t) for t in texts), texts


# --------------------------------------------------------------------------
# random label lists
# --------------------------------------------------------------------------


@st.composite
def _labels_and_recency(draw):
    name = draw(st.sampled_from(NEW))
    pb = default_playbook(name)
    names = [*pb.actions, *pb.aliases]
    labels = draw(st.lists(st.sampled_from(names), min_size=1, max_size=25))
    recency = draw(
        st.lists(
            st.one_of(st.just(math.nan), st.integers(0, 3000).map(float)),
            min_size=len(labels),
            max_size=len(labels),
        )
    )
    return name, labels, recency


class TestRandomLabels:
    """actions() on random label lists of each new classification."""

    @given(_labels_and_recency())
    @settings(max_examples=80, deadline=None)
    def test_total_and_well_formed(self, case):
        """Every label has an action; priorities are whole numbers >= 1,
        cadences NaN or > 0; a deadline decides stop or check as documented."""
        name, labels, recency = case
        pb = default_playbook(name)
        plan = actions(labels, pb, recency_days=recency)
        assert plan.uncovered == ()
        assert plan.unclassified == 0
        frame = plan.to_pandas()
        assert NO_ACTION not in set(frame["action"])
        prio = plan.priority
        assert np.all((prio >= 1) & (prio == np.floor(prio)))
        cad = plan.cadence_days
        assert np.all(np.isnan(cad) | ((cad > 0) & np.isfinite(cad)))
        for i, label in enumerate(labels):
            action = pb.action_for(label)
            assert action is not None
            assert prio[i] == action.priority
            text = frame["action"].iloc[i]
            if action.deadline_days is None:
                assert text == action.action
            elif math.isnan(recency[i]):
                assert (text, math.isnan(cad[i])) == (RECENCY_UNKNOWN, True)
            elif recency[i] >= action.deadline_days:
                assert (text, math.isnan(cad[i])) == (STOPPED, True)
            else:
                assert (text, cad[i]) == (action.action, action.cadence_days)


# --------------------------------------------------------------------------
# the command line: segment, then due
# --------------------------------------------------------------------------


def _segment(data: tuple[Path, Path], folder: Path, preset: str, *extra: str) -> Path:
    sales, crm = data
    out = folder / f"{preset}{'_'.join(extra)}.csv"
    argv = ["segment", str(sales), "--preset", preset, "--records", str(crm)]
    assert main([*argv, *extra, "--output", str(out)]) == 0
    return out


@pytest.mark.parametrize(
    ("preset", "columns"),
    [
        ("beauty_salon", ("value_tier", "visit_tier", "status", "status_crm")),
        ("mother_baby", ("store_class", "status", "status_crm")),
        ("furniture", ("readiness", "status", "status_crm")),
    ],
)
def test_due_round_trip(data, tmp_path, capsys, preset, columns):
    """custseg due --class-column X runs on segment --preset output, with and
    without --preset, in English and Chinese; every class has its action."""
    english = _segment(data, tmp_path, preset)
    chinese = _segment(data, tmp_path, preset, "--lang", "zh")
    rs = rules.preset(preset)
    for column in columns:
        for table, lang in ((english, "en"), (chinese, "zh")):
            for with_preset in (True, False):
                due_file = tmp_path / f"due_{column}_{lang}_{with_preset}.csv"
                argv = [
                    "due",
                    str(table),
                    "--as-of",
                    "2025-01-10",
                    "--class-column",
                    column,
                    "--last-contact",
                    "last_contact",
                    "--lang",
                    lang,
                    "--output",
                    str(due_file),
                ]
                if with_preset:
                    argv += ["--preset", preset]
                assert main(argv) == 0, (column, lang)
                due = pd.read_csv(due_file)
                assert len(due) > 0
                assert due["action"].notna().all()
                assert not set(due["action"]) & {NO_ACTION, "未定义动作"}
                customers = pd.read_csv(table)
                pb = rs.playbook(column) if with_preset else default_playbook(column)
                assert pb.uncovered(customers[column].dropna()) == ()
    printed = capsys.readouterr().out
    assert "no action defined" not in printed


def test_status_deadline_is_the_presets(data, tmp_path, capsys):
    """With --preset, status lost customers are stopped at the preset's
    deadline (beauty salon: 180 days), not at the default 365."""
    table = _segment(data, tmp_path, "beauty_salon")
    # no contacts (a last_contact column is read by its name since audit 23)
    pd.read_csv(table, dtype=str).drop(columns="last_contact", errors="ignore").to_csv(
        table, index=False
    )
    due_file = tmp_path / "due.csv"
    argv = ["due", str(table), "--as-of", "2025-01-10", "--class-column", "status"]
    assert main([*argv, "--preset", "beauty_salon", "--output", str(due_file)]) == 0
    customers = pd.read_csv(table)
    lost = customers[customers["status"] == "lost"]
    due = pd.read_csv(due_file)
    due_lost = due[due["class"] == "lost"]
    assert set(due_lost["customer_id"]) == set(
        lost.loc[lost["recency_days"] < 180, "customer_id"]
    )
    assert (lost["recency_days"] >= 180).any()
    assert "past their class's win-back deadline (180 days" in capsys.readouterr().out


# --------------------------------------------------------------------------
# F10: the page's command-line example runs as written
# --------------------------------------------------------------------------


def _page_commands() -> list[list[str]]:
    page = PAGE.read_text("utf-8")
    section = page.split("## On the command line", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line) for line in block.replace("\\\n", " ").splitlines()]


def test_page_example_runs_as_written(data, tmp_path, monkeypatch, capsys):
    """segment --records crm.csv, then due with the records' columns."""
    sales, crm = data
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sales.csv").write_bytes(sales.read_bytes())
    (tmp_path / "crm.csv").write_bytes(crm.read_bytes())
    commands = _page_commands()
    assert [c[:2] for c in commands] == [["custseg", "segment"], ["custseg", "due"]]
    assert "--records" in commands[0]
    for command in commands:
        assert main(command[1:]) == 0, command
    due = pd.read_csv(tmp_path / "due.csv")
    # the records' columns were read: points and the holiday (a cadence)
    assert {"holiday", "points", "cadence"} <= {r.split(":")[0] for r in due["reason"]}
    capsys.readouterr()


def test_page_example_without_records_fails_as_said(
    data, tmp_path, monkeypatch, capsys
):
    """Without --records the error is the one the page quotes."""
    sales, _ = data
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sales.csv").write_bytes(sales.read_bytes())
    segment, due = _page_commands()
    i = segment.index("--records")
    assert main(segment[1:i] + segment[i + 2 :]) == 0
    capsys.readouterr()
    assert main(due[1:]) == 2
    message = "'last_contact' is not a column of the data"
    assert message in capsys.readouterr().err
    assert message in PAGE.read_text("utf-8")


def test_page_mentions_the_two_as_ofs():
    """The page says due --as-of does not re-measure recency."""
    page = " ".join(PAGE.read_text("utf-8").split())
    assert "Two days, two as-ofs" in page
    assert "checked on the `recency_days` column as it is" in page
