"""[playbook] sections in rules files: actions per label, checked with positions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.errors import RulesError
from custseg.playbook import Playbook, default_playbook

HEAD = """format = 1
extends = "ecommerce"
"""


def _entry(cls: str, label: str, **keys: object) -> str:
    body = "\n".join(f"{k} = {v!r}".replace("'", '"') for k, v in keys.items())
    return f'[playbook.{cls}."{label}"]\n{body}\n'


class TestPlaybookSection:
    def test_entries_override_the_default_label_by_label(self) -> None:
        """A file's entry replaces the default for its label; the others stay."""
        rs = rules.loads(
            HEAD
            + _entry(
                "rfm11",
                "At Risk",
                action="Call now",
                channel="phone",
                priority=1,
                cadence_days=7,
            )
        )
        own = rs.playbooks["rfm11"]
        assert isinstance(own, Playbook) and own.labels == ("At Risk",)
        merged = rs.playbook("rfm11")
        assert merged is not None
        assert merged.action_for("At Risk").action == "Call now"
        default = default_playbook("rfm11")
        for label in default.labels:
            if label != "At Risk":
                assert merged.action_for(label) == default.action_for(label)
        # the label's Chinese name (an alias) finds the file's action
        assert merged.action_for("流失风险").action == "Call now"

    def test_without_a_section_the_default(self) -> None:
        """No [playbook]: the shipped default; no default and no entry: None."""
        rs = rules.load("ecommerce")
        assert rs.playbooks == {}
        assert rs.playbook("lifecycle") == default_playbook("lifecycle")
        assert rs.playbook("no_such_thing") is None

    def test_a_playbook_for_a_new_segmentation(self) -> None:
        """A file's own segmentation gets a playbook of its own (no default)."""
        text = (
            'format = 1\n[fields]\nvisits = { type = "integer", min = 0 }\n'
            '[segments.kind]\ndefault = "walk-in"\n'
            'rules = [{ label = "member", when = "visits >= 3" }]\n'
            + _entry(
                "kind", "member", action="Member evening", channel="wechat", priority=1
            )
        )
        rs = rules.loads(text)
        pb = rs.playbook("kind")
        assert pb is not None and pb.labels == ("member",)
        assert pb.uncovered(["member", "walk-in"]) == ("walk-in",)

    @pytest.mark.parametrize(
        ("entry", "code", "line", "text"),
        [
            (
                _entry("rfm11", "Champion", action="a", channel="b", priority=1),
                "unknown-label",
                3,
                "did you mean 'Champions'?",
            ),
            (
                _entry("lifecycl", "silent", action="a", channel="b", priority=1),
                "unknown-name",
                3,
                "did you mean 'lifecycle'?",
            ),
            (
                _entry(
                    "lifecycle",
                    "silent",
                    action="a",
                    channel="b",
                    priority=1,
                    cadence=3,
                ),
                "bad-value",
                7,
                "'cadence_days'",
            ),
            (
                _entry("lifecycle", "silent", action="a", channel="b"),
                "bad-value",
                3,
                "'priority'",
            ),
            (
                _entry(
                    "lifecycle",
                    "silent",
                    action="a",
                    channel="b",
                    priority=1,
                    cadence_days=-4,
                ),
                "bad-value",
                7,
                "cadence_days",
            ),
        ],
    )
    def test_problems_have_positions(
        self, entry: str, code: str, line: int, text: str
    ) -> None:
        """Unknown classifications, labels and keys, bad values: diagnostics at the entry."""
        diags = [d for d in rules.check(HEAD + entry) if d.severity == "error"]
        assert [d.code for d in diags] == [code]
        assert diags[0].line == line and text in diags[0].message + diags[0].hint
        with pytest.raises(RulesError):
            rules.loads(HEAD + entry)

    @given(
        st.sampled_from(["lifecycle", "abc", "rfm11", "ecom4", "care_phase"]), st.data()
    )
    @settings(max_examples=25, deadline=None)
    def test_every_label_of_every_output_takes_an_entry(
        self, cls: str, data: st.DataObject
    ) -> None:
        """Any label of a classification of the preset can be given an action."""
        rs = rules.load("ecommerce")
        names = (
            rs.tables[cls].names
            if cls in rs.tables
            else rs.segments[cls].names
            if cls in rs.segments
            else ("A", "B", "C")
        )
        label = data.draw(st.sampled_from(names))
        prio = data.draw(st.integers(1, 20))
        out = rules.loads(
            HEAD + _entry(cls, label, action="do it", channel="email", priority=prio)
        )
        assert out.playbook(cls).action_for(label).priority == prio


def test_every_bad_entry_reported_at_once() -> None:
    """Three bad labels: three diagnostics, each at its own line."""
    text = HEAD + (
        '[playbook.lifecycle.silent]\naction = ""\nchannel = "phone"\npriority = 1\n'
        '[playbook.lifecycle.active]\nchannel = "phone"\npriority = 1\n'
        '[playbook.lifecycle.lost]\naction = "x"\nchannel = "y"\npriority = 2\ncadence = 3\n'
    )
    diags = [d for d in rules.check(text) if d.severity == "error"]
    assert [(d.code, d.line) for d in diags] == [
        ("bad-value", 4),
        ("bad-value", 7),
        ("bad-value", 14),
    ]
