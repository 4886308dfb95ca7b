"""Rules files that extend a preset: new entries and sections, checked keys
inside existing ones, near-miss warnings, type-checked overrides, [scores]."""

from __future__ import annotations

import math
import string
from typing import Any, ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.errors import Diagnostic, RulesError
from custseg.rules import ScoreSpec, _one_edit

NAN = math.nan

DATA: dict[str, Any] = {
    "recency_days": [10.0, 100.0, 300.0, NAN],
    "frequency": [6, 1, 4, 0],
    "monetary": [900.0, 40.0, 2500.0, 0.0],
    "tenure_days": [400.0, 100.0, 700.0, NAN],
    "r": [5, 3, 1, NAN],
    "f": [5, 1, 4, NAN],
    "m": [4, 1, 5, NAN],
    "visits": [12, 1, 3, 0],
}


def problems(text: str, severity: str) -> list[Diagnostic]:
    return [d for d in rules.check(text) if d.severity == severity]


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line containing *needle*."""
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


class TestAddEntries:
    """A file that extends a preset may add fields, params, derived values,
    tables, segmentations and tag sets."""

    CHILD = """format = 1
extends = "ecommerce"
name = "my-shop"

[fields]
visits = { type = "integer", min = 0 }

[params]
vip_visits = 10

[derived]
regular = "visits >= vip_visits"

[tables.visit_band]
field = "visits"
breaks = [2, 10]
labels = ["rare", "some", "many"]

[segments.top]
description = "uses the preset's lifecycle and rfm11 outputs"
default = "other"
rules = [
  { label = "vip", when = "lifecycle == 'active' and rfm11 == 'Champions' and regular" },
  { label = "win-back", when = "lifecycle in ('lost', 'gone') and monetary >= key_amount" },
]

[tags.care]
rules = [{ tag = "call", when = "visit_band == 'many' and lifecycle != 'active'" }]
"""

    def test_compiles_cleanly(self) -> None:
        """No error or warning; the new outputs come after the preset's."""
        assert [
            d.render() for d in rules.check(self.CHILD) if d.severity != "info"
        ] == []
        rs = rules.loads(self.CHILD)
        assert set(rules.load("ecommerce").outputs) < set(rs.outputs)
        assert {"visit_band", "top"} <= set(rs.outputs)
        assert rs.params["vip_visits"] == 10
        assert rs.fields["visits"].kind == "integer"

    def test_new_segmentation_uses_preset_outputs(self) -> None:
        """The new segmentation reads lifecycle and rfm11 of the preset."""
        out = rules.loads(self.CHILD).evaluate(DATA)
        assert out["top"].to_numpy().tolist() == ["vip", "other", "win-back", "other"]
        assert out["visit_band"].to_numpy().tolist() == ["many", "rare", "some", "rare"]
        assert out.tags["care"][1][:, 0].tolist() == [False, False, False, False]

    def test_preset_outputs_unchanged(self) -> None:
        """Adding entries leaves the preset's own outputs as they were."""
        mine = rules.loads(self.CHILD).evaluate(DATA)
        base = rules.load("ecommerce").evaluate(DATA)
        for name in base.labels:  # those the data has the fields for
            assert mine[name] == base[name]
        assert set(mine.skipped) == set(base.skipped)

    def test_new_entries_point_at_the_child(self) -> None:
        """An error inside a new segmentation is reported in the child file."""
        text = self.CHILD.replace("rfm11 == 'Champions'", "rfm11 == 'Champion'")
        (d,) = problems(text, "error")
        assert (d.path, d.code, d.line) == (
            "<string>",
            "unknown-category",
            line_of(text, "Champion'"),
        )
        assert d.column == d.source_line.index("'Champion'") + 1

    def test_a_whole_new_section(self) -> None:
        """A section the preset lacks ([tags] in base) may be added."""
        text = 'format = 1\nextends = "base"\n[tags.t]\nrules = [{ tag = "x", when = "r == 5" }]\n'
        assert problems(text, "error") == []
        assert set(rules.loads(text).tagsets) == {"t"}

    def test_new_name_clashing_with_the_preset_is_a_duplicate(self) -> None:
        """A new table named like a preset segmentation is a duplicate name."""
        text = (
            'format = 1\nextends = "base"\n[tables.rfm11]\nfield = "monetary"\n'
            'breaks = [1]\nlabels = ["a", "b"]\n'
        )
        assert "duplicate-name" in {d.code for d in problems(text, "error")}

    def test_keys_an_entry_may_have_can_be_added(self) -> None:
        """A key the preset's table leaves out but tables allow ('closed') works."""
        text = (
            'format = 1\nextends = "ecommerce"\n[tables.lifecycle]\nclosed = "right"\n'
        )
        assert problems(text, "error") == []
        rs = rules.loads(text)
        assert rs.tables["lifecycle"].closed == "right"
        out = rs.evaluate({**DATA, "recency_days": [90.0, 91.0, 0.0, NAN]})
        assert out["lifecycle"].to_numpy().tolist()[:2] == ["active", "silent"]


class TestTyposInExistingSections:
    """Keys inside an existing entry stay checked: a typo is an error at
    line:column of the child file."""

    @pytest.mark.parametrize(
        ("section", "typo", "fix"),
        [
            ("[tables.lifecycle]", "brekas = [60, 120, 240, 365]", "breaks"),
            ("[tables.care_phase]", "lables = ['a', 'b', 'c', 'd']", "labels"),
            ("[segments.ecom4]", 'defualt = "x"', "default"),
            ("[fields.monetary]", 'descripton = "net spend"', "description"),
        ],
    )
    def test_typo_is_an_error_at_its_position(
        self, section: str, typo: str, fix: str
    ) -> None:
        """unknown-override at the typo's line and column, with a suggestion."""
        text = f'format = 1\nextends = "ecommerce"\n\n{section}\n  {typo}\n'
        (d,) = problems(text, "error")
        assert (d.code, d.path, d.line, d.column) == (
            "unknown-override",
            "<string>",
            5,
            3,
        )
        assert d.end_column == 3 + len(typo.split(" ")[0])
        assert d.hint == f"did you mean {fix!r}?"

    def test_new_entry_is_checked_in_full(self) -> None:
        """A new tag set without rules is an error (it is new, not an override)."""
        text = 'format = 1\nextends = "ecommerce"\n[tags.nope]\n'
        (d,) = problems(text, "error")
        assert (d.code, d.path) == ("missing-key", "<string>")

    def test_unknown_top_level_key(self) -> None:
        """A misspelt section name at the top is an error with a suggestion."""
        text = 'format = 1\nextends = "base"\n[segment.x]\ndefault = "a"\n'
        (d,) = problems(text, "error")
        assert (d.code, d.line) == ("unknown-override", 3)
        assert d.hint == "did you mean 'segments'?"

    def test_typo_inside_a_rule_is_still_checked(self) -> None:
        """Replaced rule lists are checked like any rule list."""
        text = """format = 1
extends = "ecommerce"
[segments.ecom4]
rules = [{ label = "Big", when = "monetary >= key_amout" }]
"""
        (d,) = problems(text, "error")
        assert (d.code, d.line) == ("unknown-name", 4)
        assert d.column == d.source_line.index("key_amout") + 1
        assert d.hint == "did you mean 'key_amount'?"


NAMESPACE = sorted(
    n
    for n in (
        *rules.load("ecommerce").fields,
        *rules.load("ecommerce").params,
        *rules.load("ecommerce").derived,
        *rules.load("ecommerce").outputs,
    )
    if len(n) >= 4
)

# digit edits are deliberate (rfm12 beside rfm11), so test with names without
WORDS = [n for n in NAMESPACE if not any(c.isdigit() for c in n)]


def _edit(name: str, kind: str, i: int, ch: str) -> str:
    i %= len(name)
    if kind == "delete":
        return name[:i] + name[i + 1 :]
    if kind == "insert":
        return name[:i] + ch + name[i:]
    if kind == "change":
        return name[:i] + ch + name[i + 1 :]
    j = min(i, len(name) - 2)  # swap
    return name[:j] + name[j + 1] + name[j] + name[j + 2 :]


class TestNearMiss:
    """A new entry named one edit from a preset name gets a did-you-mean warning."""

    @pytest.mark.parametrize(
        ("section", "line", "near"),
        [
            ("[params]", "key_amout = 2000", "key_amount"),
            ("[params]", "lapsingdays = 60", "lapsing_days"),
            ("[derived]", 'r_hihg = "r >= 4"', "r_high"),
            ("[fields]", 'frequecy = { type = "integer" }', "frequency"),
        ],
    )
    def test_warns_with_a_suggestion(self, section: str, line: str, near: str) -> None:
        """near-miss warning at the new name, suggesting the preset's name."""
        text = f'format = 1\nextends = "ecommerce"\n{section}\n{line}\n'
        (d,) = problems(text, "warning")
        assert (d.code, d.path, d.line, d.column) == ("near-miss", "<string>", 4, 1)
        assert d.hint.startswith(f"did you mean {near!r}?")
        assert near in d.message

    def test_new_segmentation_near_a_preset_table(self) -> None:
        """The namespace is shared: a segmentation named like a table warns."""
        text = (
            'format = 1\nextends = "ecommerce"\n[segments.lifecycel]\ndefault = "a"\n'
            'rules = [{ label = "b", when = "r == 5" }]\n'
        )
        (d,) = problems(text, "warning")
        assert (d.code, d.line) == ("near-miss", 3)
        assert "'lifecycle'" in d.hint

    @pytest.mark.parametrize(
        "name", ["rfm12", "rfm4", "ecom5", "fm2", "top", "ecom5x", "lifestage"]
    )
    def test_deliberate_names_do_not_warn(self, name: str) -> None:
        """Digit changes (rfm12 beside rfm11), short names and names two or more
        edits away are not near misses."""
        text = (
            f'format = 1\nextends = "ecommerce"\n[segments.{name}]\ndefault = "a"\n'
            'rules = [{ label = "b", when = "r == 5" }]\n'
        )
        assert problems(text, "warning") == []

    @settings(max_examples=40, deadline=None)
    @given(
        st.sampled_from(WORDS),
        st.sampled_from(["delete", "insert", "change", "swap"]),
        st.integers(0, 30),
        st.sampled_from(string.ascii_lowercase + "_"),
    )
    def test_any_single_edit_of_a_preset_param_warns(
        self, name: str, kind: str, i: int, ch: str
    ) -> None:
        """Every one-edit variant of a preset name, added as a param, warns."""
        new = _edit(name, kind, i, ch)
        if new == name or new in NAMESPACE or not new.isidentifier():
            return
        text = f'format = 1\nextends = "ecommerce"\n[params]\n{new} = 1\n'
        found = problems(text, "warning")
        assert [d.code for d in found] == ["near-miss"], new
        assert problems(text, "error") == []

    @settings(max_examples=60, deadline=None)
    @given(st.text(string.ascii_lowercase + "_", min_size=1, max_size=12))
    def test_one_edit_is_symmetric_and_not_two(self, word: str) -> None:
        """_one_edit is symmetric; two different edits are never one."""
        for name in NAMESPACE:
            assert _one_edit(word, name) == _one_edit(name, word)
        if len(word) >= 4:
            twice = _edit(_edit(word, "change", 0, "Q"), "change", len(word) - 1, "Z")
            assert not _one_edit(word, twice)


class TestOverridesStayTypeChecked:
    """Overriding a preset's key is checked like writing it anew."""

    @pytest.mark.parametrize(
        ("section", "line", "code"),
        [
            ("[params]", 'key_amount = "lots"', "bad-value"),
            ("[params]", "loyal_orders = [3]", "bad-value"),
            ("[tables.lifecycle]", "breaks = [90, 80, 270, 365]", "breaks-order"),
            ("[tables.lifecycle]", 'breaks = [90, "later", 270, 365]', "bad-value"),
            ("[segments.rfm11]", 'default = ""', "bad-value"),
            ("[fields.r]", 'type = "text"', "bad-value"),
            ("[scores]", "r = { edges = [30, 20] }", "breaks-order"),
        ],
    )
    def test_bad_override_is_an_error_in_the_child(
        self, section: str, line: str, code: str
    ) -> None:
        """The error names the child file and the overriding line."""
        text = f'format = 1\nextends = "ecommerce"\n{section}\n{line}\n'
        found = problems(text, "error")
        assert code in {d.code for d in found}, [d.render() for d in found]
        hit = next(d for d in found if d.code == code)
        assert (hit.path, hit.line) == ("<string>", 4)


class TestScoresExtend:
    """[scores] is merged like the other sections: a dimension is replaced whole."""

    BASE_R = (30.0, 90.0, 180.0, 270.0)

    def test_child_adds_scores_to_base(self) -> None:
        """base has no [scores]; a child may add fixed recency edges."""
        rs = rules.loads(
            'format = 1\nextends = "base"\n[scores]\nr = { edges = [7, 30, 90, 365] }\n'
        )
        assert rs.scores == {
            "r": ScoreSpec((7.0, 30.0, 90.0, 365.0), 5),
            "f": ScoreSpec(None, 5),
            "m": ScoreSpec(None, 5),
        }
        assert rules.load("base").scores == {}

    def test_child_changes_edges(self) -> None:
        """New edges replace the preset's; other dimensions are inherited."""
        rs = rules.loads(
            'format = 1\nextends = "ecommerce"\n[scores]\nr = { edges = [10, 20, 30, 40] }\n'
        )
        assert rs.scores["r"] == ScoreSpec((10.0, 20.0, 30.0, 40.0), 5)
        assert rs.scores["f"] == rules.load("ecommerce").scores["f"]

    def test_child_switches_to_quantiles(self) -> None:
        """{ bins = 5 } replaces fixed edges whole (no stale 'edges' left)."""
        rs = rules.loads(
            'format = 1\nextends = "ecommerce"\n[scores]\nr = { bins = 5 }\n'
        )
        assert rs.scores["r"] == ScoreSpec(None, 5)

    def test_bin_count_must_match_the_inherited_fields(self) -> None:
        """4 quantile scores for r clash with base's r field (1..5): score-bins."""
        text = 'format = 1\nextends = "ecommerce"\n[scores]\nr = { bins = 4 }\n'
        (d,) = problems(text, "error")
        assert (d.code, d.path, d.line) == ("score-bins", "<string>", 4)
        assert "max = 4" in d.hint

    def test_bins_and_field_changed_together(self) -> None:
        """Changing the r field's bounds with the edges keeps them consistent."""
        text = """format = 1
extends = "ecommerce"
[fields.r]
max = 3
[scores]
r = { edges = [30, 90] }
"""
        assert problems(text, "error") == []
        assert rules.loads(text).scores["r"].bins == 3

    def test_unknown_dimension_in_child(self) -> None:
        """A misspelt dimension in a child's [scores] is an error in the child."""
        text = 'format = 1\nextends = "ecommerce"\n[scores]\nrr = { bins = 5 }\n'
        (d,) = problems(text, "error")
        assert (d.code, d.path, d.line, d.column) == ("unknown-key", "<string>", 4, 1)


class TestStagesExtend:
    """Stages are replaced whole; inherited ones that no longer fit warn."""

    RELABEL: ClassVar[str] = """format = 1
extends = "ecommerce"
[segments.ecom4]
default = "Other"
rules = [{ label = "Big", when = "monetary >= key_amount" }]
translations.zh = { "Big" = "大客户", "Other" = "其他" }
"""

    def test_relabelled_rules_drop_stale_stages(self) -> None:
        """Inherited stages naming labels the new rules lack warn and are dropped."""
        found = [d for d in rules.check(self.RELABEL) if d.severity != "info"]
        assert {d.code for d in found} == {"unknown-label"}
        assert {d.severity for d in found} == {"warning"}
        assert rules.loads(self.RELABEL).segments["ecom4"].stages == {}

    def test_child_gives_its_own_stages(self) -> None:
        """Stages written with the new rules replace the preset's whole."""
        text = self.RELABEL + 'stages = { "Big" = ["active"] }\n'
        assert [d for d in rules.check(text) if d.severity != "info"] == []
        seg = rules.loads(text).segments["ecom4"]
        assert (seg.stages, seg.stages_from) == ({"Big": ("active",)}, "lifecycle")

    def test_child_stage_typo_is_an_error(self) -> None:
        """A stage name the lifecycle lacks is an error at its column."""
        text = self.RELABEL + 'stages = { "Big" = ["activ"] }\n'
        (d,) = problems(text, "error")
        assert (d.code, d.line) == ("unknown-stage", 7)
        assert d.column == d.source_line.index('"activ"') + 2
        assert d.hint == "did you mean 'active'?"


def test_scores_spec_is_exported() -> None:
    """ScoreSpec is public in custseg.rules."""
    assert "ScoreSpec" in rules.__all__
    assert np.isfinite(ScoreSpec((1.0,), 2).edges).all()  # type: ignore[arg-type]


class TestEveryProblemReported:
    def test_bad_override_does_not_hide_expression_errors(self) -> None:
        """An override error and an expression error in one extends file are
        both reported (the override error used to stop the check)."""
        text = (
            'format = 1\nextends = "ecommerce"\n[params]\nkey_amount = "lots"\n'
            '[segments.top]\ndefault = "no"\n'
            'rules = [{ label = "yes", when = "monetry > 1" }]\n'
        )
        found = {(d.code, d.line) for d in rules.check(text) if d.severity == "error"}
        assert found == {("bad-value", 4), ("unknown-name", 7)}
        with pytest.raises(RulesError):
            rules.loads(text)

    def test_not_a_rules_file_still_stops_early(self) -> None:
        """A file that is not TOML rules is still one diagnostic, nothing echoed."""
        found = rules.check('SECRET = "hunter2"\nOTHER = "x"\nformat_x = 1\n')
        assert len(found) == 1
        assert "hunter2" not in found[0].render()
