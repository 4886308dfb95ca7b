"""Audit 26: findings of the twenty-sixth audit, and leftovers of earlier ones.

Each test covers the class of a finding, not only its example.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import _display
from custseg.datasets import simulate_transactions
from custseg.errors import ThresholdError

# --------------------------------------------------------------------------
# Shares: a count that is neither none nor all is never shown as 0.0% or 100.0%


@settings(max_examples=60, deadline=None)
@given(total=st.integers(1, 10**9), data=st.data())
def test_share_text_never_says_none_or_all_wrongly(total: int, data: Any) -> None:
    """One customer in 100,000 showed as "0.0%" in every repr (ActionPlan,
    Labels, migration): it reads as nobody. A share is "0.0%" only for
    none, "100.0%" only for all; otherwise within a tenth of its value."""
    count = data.draw(st.integers(0, total))
    text = str(_display.share(count, total))
    if count == 0:
        assert text == "0.0%"
    elif count == total:
        assert text == "100.0%"
    else:
        assert text not in ("0.0%", "100.0%")
        if text.startswith("<"):
            assert text == "<0.1%" and 100 * count / total < 0.05
        elif text.startswith(">"):
            assert text == ">99.9%" and 100 * count / total >= 99.95
        else:
            assert abs(float(text[:-1]) - 100 * count / total) <= 0.05 + 1e-9


def test_repr_names_a_rare_class() -> None:
    labels = custseg.Labels(
        np.r_[np.zeros(99_999, np.int8), 1], ("active", "lost"), ordered=True
    )
    assert "lost <0.1%" in repr(labels)
    assert "active >99.9%" in repr(labels)


# --------------------------------------------------------------------------
# A zero-width joiner or non-joiner alone is no value


_JOINERS = "\u200c\u200d"


@settings(max_examples=40, deadline=None)
@given(
    blank=st.text(alphabet=" \t\u3000\u200b\ufeff" + _JOINERS, min_size=1, max_size=6),
    word=st.sampled_from(["tea", "茶", "👨\u200d👩"]),
)
def test_joiners_alone_are_a_missing_profile_field(blank: str, word: str) -> None:
    """A name of only U+200D counted as a filled profile field, and as a tag:
    it shows nothing. At a text's ends the joiners join nothing and are
    stripped like whitespace; inside a word (an emoji sequence) they stay."""
    data = pd.DataFrame({"name": [blank, word, blank + word + blank]})
    score = custseg.profile_completeness(data).score
    assert score[0] == 0
    assert score[1] == score[2] > 0
    tags = custseg.tags_from_values([blank, word + "," + blank])
    assert list(tags.names) == [word]


# --------------------------------------------------------------------------
# bins with None: "the rules' count" for that dimension, in Python as on the CLI


@pytest.fixture(scope="module")
def tx() -> pd.DataFrame:
    return simulate_transactions(300, seed=3)


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")  # empty scores
@pytest.mark.parametrize("preset", [None, "ecommerce"])
@pytest.mark.parametrize("f_bins", [3, 5, 7])
def test_bins_with_none_take_the_rules_count(
    tx: pd.DataFrame, preset: str | None, f_bins: int
) -> None:
    """``segment(bins=(None, 4, None))`` was refused: Python could not say
    "the rules' count for R and M" as ``custseg segment --f-bins 4`` does.
    None in the tuple is that count (5 without rules), fixed edges stay, and
    the result equals the one with the counts written out."""
    rs = custseg.rules.preset(preset) if preset else None
    full = custseg.rfm.rules_bins((None, f_bins, None), rs)
    assert full[1] == f_bins
    kwargs: dict[str, Any] = {"preset": preset} if preset else {}
    try:
        want = custseg.segment(tx, bins=full, **kwargs)
    except ThresholdError as e:  # the rules are written for 5 f scores
        with pytest.raises(ThresholdError, match="rules declare field 'f'"):
            custseg.segment(tx, bins=(None, f_bins, None), **kwargs)
        assert preset and "f" in str(e)
        return
    got = custseg.segment(tx, bins=(None, f_bins, None), **kwargs)
    assert got.edges == want.edges
    pd.testing.assert_frame_equal(got.customers, want.customers)
    again = got.apply(tx, edges=None)
    assert again.edges == got.edges
    # beside edges, a None agrees with any count
    custseg.segment(tx, edges=got.edges, bins=(None, f_bins, None), **kwargs)
    with pytest.raises(ThresholdError, match="carry their own bins"):
        custseg.segment(tx, edges=got.edges, bins=(None, f_bins + 1, None), **kwargs)


@pytest.mark.parametrize("bad", [(None, 1, None), (None, None), (None, "4", None)])
def test_bins_with_none_still_checked(tx: pd.DataFrame, bad: Any) -> None:
    with pytest.raises(ThresholdError, match="'bins'"):
        custseg.segment(tx, bins=bad)
