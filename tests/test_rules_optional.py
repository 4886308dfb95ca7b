"""Optional fields in rules files: data without them leaves out what reads them."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.errors import InputError, RulesError

TEXT = """
format = 1
[fields]
visits = { type = "integer", min = 0 }
sat = { type = "category", values = ["low", "high"], missing = true, optional = true }
vip = { type = "bool", optional = true }
[derived]
happy = "sat == 'high'"
[tables.band]
field = "visits"
breaks = [3]
labels = ["few", "many"]
[segments.kind]
default = "walk-in"
rules = [{ label = "member", when = "visits >= 3" }]
[segments.loyal]
default = "no"
rules = [{ label = "yes", when = "happy and band == 'many'" }]
[segments.club]
default = "regular"
rules = [{ label = "vip", when = "vip" }, { label = "fan", when = "loyal == 'yes'" }]
[tags.care]
rules = [{ tag = "regular", when = "visits >= 2" }]
[tags.survey]
rules = [{ tag = "unhappy", when = "sat == 'low'" }]
"""


@pytest.fixture(scope="module")
def rs() -> rules.RuleSet:
    return rules.loads(TEXT)


class TestOptionalFields:
    def test_absent_fields_leave_out_what_reads_them(self, rs: rules.RuleSet) -> None:
        """Outputs reading an absent optional field (directly, through derived
        values or other outputs) are left out and reported; the rest is computed."""
        out = rs.evaluate({"visits": [0, 2, 5]})
        assert set(out.labels) == {"band", "kind"}
        assert set(out.tags) == {"care"}
        assert out.skipped == {
            "loyal": ("sat",),
            "club": ("sat", "vip"),
            "survey.unhappy": ("sat",),
        }
        assert list(out.to_pandas().columns) == ["band", "kind", "care.regular"]

    def test_one_present_one_absent(self, rs: rules.RuleSet) -> None:
        """With sat given but not vip, only club (which reads vip) is left out."""
        out = rs.evaluate({"visits": [0, 5, 5], "sat": ["high", "high", None]})
        assert out["loyal"].to_numpy().tolist() == ["no", "yes", "no"]
        assert out.skipped == {"club": ("vip",)}

    @given(
        st.lists(
            st.tuples(
                st.integers(0, 6),
                st.sampled_from(["low", "high", None]),
                st.booleans(),
            ),
            min_size=1,
            max_size=30,
        )
    )
    @settings(max_examples=40)
    def test_present_fields_give_the_same_labels(
        self, rs: rules.RuleSet, rows: list
    ) -> None:
        """Declaring a field optional changes nothing when the data has it."""
        data = {
            "visits": [r[0] for r in rows],
            "sat": [r[1] for r in rows],
            "vip": [r[2] for r in rows],
        }
        strict = rules.loads(TEXT.replace(", optional = true", ""))
        a, b = rs.evaluate(data), strict.evaluate(data)
        assert a.skipped == {}
        for name in strict.outputs:
            assert a[name] == b[name]
        pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())

    def test_required_fields_still_required(self, rs: rules.RuleSet) -> None:
        """A field without optional = true must be in the data."""
        with pytest.raises(InputError, match="'visits' is missing from the data"):
            rs.evaluate({"sat": ["low"]})

    def test_optional_must_be_boolean(self) -> None:
        """optional = "yes" is a diagnostic at its position."""
        bad = TEXT.replace(
            'vip = { type = "bool", optional = true }',
            'vip = { type = "bool", optional = "yes" }',
        )
        with pytest.raises(RulesError) as info:
            rules.loads(bad)
        d = info.value.diagnostics[0]
        assert d.code == "bad-value" and "'optional' must be true or false" in d.message
        assert d.line == 6

    def test_apply_rules_without_optional_columns(self, rs: rules.RuleSet) -> None:
        """frame.apply_rules leaves the optional outputs out too."""
        from custseg.frame import apply_rules

        seg = pd.DataFrame({"visits": [1, 4]}, index=pd.Index(["a", "b"], name="id"))
        out = apply_rules(seg, rs)
        assert list(out.columns) == ["visits", "band", "kind", "care.regular"]


class TestOrder:
    ORDERED = """format = 1
[fields]
visits = { type = "integer", min = 0 }
[segments.tier]
default = "regular"
order = ["walk-in", "regular", "vip"]
rules = [
  { label = "vip", when = "visits >= 10" },
  { label = "walk-in", when = "visits < 2" },
]
"""

    @given(st.lists(st.integers(0, 20), min_size=1, max_size=20))
    @settings(max_examples=30)
    def test_order_changes_names_not_labels(self, visits: list) -> None:
        """'order' orders the names (and the codes); every row keeps its label."""
        ordered = rules.loads(self.ORDERED)
        plain = rules.loads(
            self.ORDERED.replace('order = ["walk-in", "regular", "vip"]\n', "")
        )
        a, b = ordered.evaluate({"visits": visits}), plain.evaluate({"visits": visits})
        assert a["tier"].names == ("walk-in", "regular", "vip")
        assert b["tier"].names == ("vip", "walk-in", "regular")
        assert a["tier"].to_numpy().tolist() == b["tier"].to_numpy().tolist()

    @pytest.mark.parametrize(
        "order",
        [
            '["vip"]',
            '["vip", "vip", "walk-in", "regular"]',
            '["vip", "walk-in", "other"]',
            "3",
        ],
    )
    def test_order_must_list_each_label_once(self, order: str) -> None:
        """A missing, repeated or unknown label (or not a list) is a diagnostic."""
        text = self.ORDERED.replace('["walk-in", "regular", "vip"]', order)
        with pytest.raises(RulesError) as info:
            rules.loads(text)
        d = info.value.diagnostics[0]
        assert (d.code, d.line) == ("bad-value", 6)
