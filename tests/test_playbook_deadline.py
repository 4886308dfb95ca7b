"""Win-back deadlines follow the rules' own lifecycle (sixth audit, domain #1).

The shipped win-back plans stopped every customer at 365 days since the
last purchase whatever the preset, so a furniture dealer's lost customers
(730-1825 days) were never won back and a beauty salon kept calling clients
its own lifecycle called ``gone`` (from 180 days). The deadline is now the
start of the rules' ``gone`` stage; these tests hold every preset to it and
draw lifecycle tables to check the class of the defect.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.errors import ThresholdError
from custseg.playbook import STOPPED, actions, default_playbook

WIN_BACK = {
    "lifecycle": ["lost"],
    "rfm11": ["Can't Lose Them", "Lost"],
    "rfm8": ["Important Win-back", "General Win-back"],
    "ecom4": ["Key Retention"],
}


def _gone_start(rs: rules.RuleSet) -> float:
    table = rs.tables["lifecycle"]
    return float(table.breaks[list(table.labels).index("gone") - 1])


@pytest.mark.parametrize("name", rules.presets())
def test_every_preset_stops_where_its_lifecycle_says_gone(name: str) -> None:
    """Each preset's win-back plans run through its whole `lost` stage and
    stop on the first day of `gone`."""
    rs = rules.preset(name)
    gone = _gone_start(rs)
    assert rs.win_back_deadline() == gone
    lost = float(rs.tables["lifecycle"].breaks[-2])
    for output, labels in WIN_BACK.items():
        pb = rs.playbook(output)
        if pb is None or output not in (*rs.outputs, "lifecycle"):
            continue
        for label in labels:
            if label not in pb.labels:
                continue
            assert pb.action_for(label).deadline_days == gone, (name, output, label)
            plan = actions(
                [label] * 3, pb, recency_days=[lost, np.nextafter(gone, 0), gone]
            )
            got = plan.to_pandas()["action"].tolist()
            assert got[:2] == [pb.action_for(label).action] * 2, (name, output)
            assert got[2] == STOPPED


def test_the_audit_examples() -> None:
    """Furniture: a lost customer at 945 days gets the win-back; a beauty
    salon's win-back client at 306 days (gone since 180) is stopped."""
    furniture = rules.preset("furniture").playbook("lifecycle")
    plan = actions(["lost"], furniture, recency_days=[945])
    assert plan.to_pandas()["action"].tolist() != [STOPPED]
    salon = rules.preset("beauty_salon").playbook("rfm8")
    plan = actions(["Important Win-back"], salon, recency_days=[306])
    assert plan.to_pandas()["action"].tolist() == [STOPPED]


LIFECYCLE = """
format = 1
[fields]
recency_days = {{ type = "number", missing = true }}
[tables.lifecycle]
field = "recency_days"
breaks = [{breaks}]
labels = [{labels}]
closed = "{closed}"
missing = "no_purchase"
{extra}
"""


def _ruleset(
    breaks: list[int], labels: list[str], closed: str = "left", extra: str = ""
) -> rules.RuleSet:
    return rules.loads(
        LIFECYCLE.format(
            breaks=", ".join(map(str, breaks)),
            labels=", ".join(f'"{x}"' for x in labels),
            closed=closed,
            extra=extra,
        )
    )


@settings(max_examples=40, deadline=None)
@given(
    cuts=st.lists(st.integers(1, 5000), min_size=4, max_size=4, unique=True).map(
        sorted
    ),
    closed=st.sampled_from(["left", "right"]),
    zh=st.booleans(),
    days=st.lists(st.integers(0, 6000), min_size=1, max_size=20),
)
def test_any_lifecycle_table_sets_the_deadline(
    cuts: list[int], closed: str, zh: bool, days: list[int]
) -> None:
    """For any windows (and the Chinese stage names), a `lost` customer is
    stopped exactly when the table itself labels that recency `gone`."""
    en = ["active", "silent", "sleeping", "lost", "gone"]
    names = ["活跃期", "沉默期", "睡眠期", "流失期", "已流失"] if zh else en
    rs = _ruleset(cuts, names, closed)
    pb = rs.playbook("lifecycle")
    assert pb is not None
    stage = rs.evaluate({"recency_days": np.array(days, dtype=float)})["lifecycle"]
    plan = actions([names[3]] * len(days), pb, recency_days=days)
    stopped = plan.to_pandas()["action"].to_numpy() == STOPPED
    gone = stage.to_pandas().to_numpy() == names[4]
    np.testing.assert_array_equal(stopped, gone)


def test_no_gone_stage_keeps_the_default() -> None:
    """A lifecycle table without a `gone` stage (or none at all) keeps 365."""
    rs = _ruleset([90, 180, 270], ["active", "silent", "sleeping", "lost"])
    assert rs.win_back_deadline() is None
    assert rs.playbook("lifecycle").action_for("lost").deadline_days == 365.0


def test_own_entry_wins() -> None:
    """A rules file's own deadline_days is kept over the derived one."""
    extra = """
[playbook.lifecycle.lost]
action = "Call"
channel = "phone"
priority = 1
deadline_days = 400
"""
    rs = _ruleset(
        [90, 180, 270, 1000],
        ["active", "silent", "sleeping", "lost", "gone"],
        extra=extra,
    )
    pb = rs.playbook("lifecycle")
    assert pb.action_for("lost").deadline_days == 400.0
    assert (
        rules.preset("furniture")
        .playbook("rfm8")
        .action_for("General Win-back")
        .deadline_days
        == 1825.0
    )


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "30"])
def test_default_playbook_refuses_bad_deadlines(bad: object) -> None:
    with pytest.raises(ThresholdError, match="deadline_days"):
        default_playbook("lifecycle", deadline_days=bad)  # type: ignore[arg-type]
