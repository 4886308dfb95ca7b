"""Audit 28: findings of the twenty-eighth audit, and leftovers of earlier ones.

Each test covers the class of a finding, not only its example.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --------------------------------------------------------------------------
# A column read by its name when its option is not given (assign's owner and
# capacity, due's last_contact) was silently taken for no column when spelled
# otherwise ('Owner', ' owner', 'owner' + U+200B): every current owner was
# dropped, every capacity lifted, every customer due


def _spelled(name: str) -> st.SearchStrategy[str]:
    # (blanks around a header name are dropped by the reader: that one is
    # the column itself)
    return st.sampled_from([name.capitalize(), name.upper(), f"{name}\u200b"])


@settings(max_examples=15, deadline=None)
@given(data=st.data(), which=st.sampled_from(["owner", "capacity", "last_contact"]))
def test_a_default_column_spelled_otherwise_is_refused(
    data: st.DataObject, which: str
) -> None:
    import tempfile
    from pathlib import Path

    from custseg.cli import main

    spelled = data.draw(_spelled(which))
    option = "--" + which.replace("_", "-")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        out = d / "o.csv"
        if which == "last_contact":
            path = d / "c.csv"
            path.write_text(f"customer_id,{spelled}\na,2024-01-01\nc,2024-11-20\n")
            argv = ["due", str(path), "--as-of", "2024-12-01", "--cadence", "30"]
        else:
            owner = spelled if which == "owner" else "owner"
            cap = spelled if which == "capacity" else "capacity"
            path = d / ("c.csv" if which == "owner" else "s.csv")
            (d / "c.csv").write_text(
                f"customer_id,monetary,{owner}\nc1,10,amy\nc2,20,amy\nc3,5,bo\n"
            )
            amy = "0" if which == "capacity" else ""
            (d / "s.csv").write_text(f"staff,{cap}\namy,{amy}\nbo,\n")
            argv = ["assign", str(d / "c.csv"), str(d / "s.csv")]
        with contextlib.redirect_stderr(io.StringIO()) as err:
            assert main([*argv, "--output", str(out)]) == 2
        said = err.getvalue()
        assert str(path) in said and f"not {which!r}" in said and option in said
        assert not out.exists()
        # given by the option, the column is read
        assert main([*argv, "--output", str(out), option, spelled]) == 0
        got = pd.read_csv(out, keep_default_na=False)
        if which == "owner":  # amy keeps her customers, bo his
            assert got["change"].tolist() == ["kept"] * 3
        elif which == "capacity":  # amy takes nobody
            assert set(got["owner"]) == {"bo"}
        else:
            assert got["customer_id"].tolist() == ["a"]
