"""apply_rules and segment(rules=): outputs never replace data, and only
custseg's own 0 scores are read as missing (third audit, rules #2 and #3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.errors import InputError
from custseg.frame import apply_rules, segment_frame

TX = pd.DataFrame(
    {
        "customer_id": ["a", "a", "b", "c"],
        "date": ["2024-01-02", "2024-02-01", "2024-01-20", "2024-02-10"],
        "amount": [10.0, 20.0, 5.0, -3.0],
    }
)

#: every column segment_frame writes that is not an earlier output
FACT_COLUMNS = [
    "recency_days",
    "frequency",
    "monetary",
    "first_purchase",
    "last_purchase",
    "tenure_days",
    "r",
    "f",
    "m",
    "rfm",
]


def _one_output(name: str) -> rules.RuleSet:
    field = "tenure_days" if name == "frequency" else "frequency"
    return rules.loads(
        f"""
format = 1
[fields]
{field} = {{ type = "number", min = 0, missing = true }}
[segments.{name}]
default = "rest"
rules = [ {{ label = "many", when = "{field} >= 2" }} ]
"""
    )


@pytest.mark.parametrize("name", FACT_COLUMNS)
def test_an_output_named_like_a_fact_is_refused(name: str) -> None:
    rs = _one_output(name)
    seg = segment_frame(TX, as_of="2024-03-01")
    before = seg.copy()
    with pytest.raises(InputError) as info:
        apply_rules(seg, rs)
    assert info.value.field == name
    assert "rename" in info.value.fix
    pd.testing.assert_frame_equal(seg, before)  # input untouched
    with pytest.raises(InputError):
        custseg.segment(TX, rules=rs, as_of="2024-03-01")


def test_a_record_answer_is_not_replaced() -> None:
    rs = _one_output("satisfaction")
    seg = pd.DataFrame({"frequency": [1.0, 3.0], "satisfaction": [4.0, 5.0]})
    with pytest.raises(InputError, match="satisfaction"):
        apply_rules(seg, rs)


def test_earlier_outputs_as_text_are_replaced() -> None:
    """Labels that came back as text (another engine's round trip) are
    earlier outputs too."""
    seg = segment_frame(TX, as_of="2024-03-01")
    seg["lifecycle"] = seg["lifecycle"].astype(str)
    assert (
        apply_rules(seg, "ecommerce")["lifecycle"].tolist()
        == apply_rules(segment_frame(TX, as_of="2024-03-01"), "ecommerce")[
            "lifecycle"
        ].tolist()
    )


def test_earlier_outputs_are_replaced() -> None:
    """lifecycle (categorical) from segment_frame is replaced by the preset's."""
    seg = segment_frame(TX, as_of="2024-03-01")
    out = apply_rules(seg, "ecommerce")
    assert "gone" in out["lifecycle"].cat.categories
    again = apply_rules(out, "ecommerce")  # a second run replaces its own outputs
    pd.testing.assert_frame_equal(again, out)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(["r", "f", "m"]),
    values=st.lists(
        st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
        min_size=1,
        max_size=12,
    ),
)
def test_user_fields_named_r_f_m_keep_their_values(name, values) -> None:
    """A user's own field r, f or m (a margin, a rating): 0 and negative
    values are values, as evaluate reads them."""
    rs = rules.loads(
        f"""
format = 1
[fields]
{name} = {{ type = "number", missing = true }}
[segments.sign]
default = "unknown"
rules = [
  {{ label = "neg", when = "{name} < 0" }},
  {{ label = "zero", when = "{name} == 0" }},
  {{ label = "pos", when = "{name} > 0" }},
]
"""
    )
    df = pd.DataFrame({name: pd.array(values, dtype="Float64")})
    want = rs.evaluate(df)["sign"].to_numpy().tolist()
    assert apply_rules(df, rs)["sign"].tolist() == want


def test_custseg_scores_zero_is_still_missing() -> None:
    """Frames written before 0.1 carry 0 for "no score": still missing for
    fields declared 1..bins, as the presets declare r, f, m."""
    seg = segment_frame(TX, as_of="2024-03-01")
    old = seg.copy()
    for c in ("r", "f", "m"):
        old[c] = old[c].fillna(0).astype(np.int64)
    new = apply_rules(seg, "ecommerce")
    then = apply_rules(old, "ecommerce")
    assert then["rfm11"].tolist() == new["rfm11"].tolist()
