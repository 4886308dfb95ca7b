"""Audit 28: findings of the twenty-eighth audit, and leftovers of earlier ones.

Each test covers the class of a finding, not only its example.
"""

from __future__ import annotations

import numpy as np
import pytest

from custseg import rules
from custseg.errors import InputError
from custseg.groups import LifeStageWindows, life_stage_tags

# --------------------------------------------------------------------------
# The mother_baby preset refused the Chinese sex values (男, 女宝) that its
# description and life_stage_tags use: the two ways agree on every value the
# preset declares


def _preset_tags(rs: rules.RuleSet, sex: list[str | None]) -> dict[str, list[bool]]:
    n = len(sex)
    out = rs.evaluate(
        {
            "recency_days": [1.0] * n,
            "frequency": [1] * n,
            "monetary": [10.0] * n,
            "tenure_days": [1.0] * n,
            "r": [5] * n,
            "f": [1] * n,
            "m": [5] * n,
            "baby_age_days": [30.0] * n,
            "baby_sex": sex,
        }
    ).to_pandas()
    return {k: out[f"groups.{k}_baby"].tolist() for k in ("boy", "girl")}


def test_mother_baby_sex_values_agree_with_life_stage_tags() -> None:
    rs = rules.load("mother_baby")
    declared = list(rs.fields["baby_sex"].values)
    assert {"男", "女", "男宝", "女宝"} <= set(declared)
    sex: list[str | None] = [*declared, None]
    got = _preset_tags(rs, sex)
    birthday = np.full(len(sex), np.datetime64("2024-05-02", "D"))
    tags = life_stage_tags(
        as_of="2024-06-01",
        baby_birthday=birthday,
        baby_sex=np.array(sex, dtype=object),
        windows=LifeStageWindows(),
    ).to_pandas()
    assert got["boy"] == tags["boy"].tolist()
    assert got["girl"] == tags["girl"].tolist()
    assert got["boy"].count(True) == 3 and got["girl"].count(True) == 3


def test_mother_baby_undeclared_sex_is_refused_by_name() -> None:
    rs = rules.load("mother_baby")
    with pytest.raises(InputError, match="baby_sex") as err:
        _preset_tags(rs, ["Boy"])
    assert "'男'" in str(err.value)
