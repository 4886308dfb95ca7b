"""A fourteenth audit: legal inputs of extreme width (findings P9, P10).

Checks of repeated names counted each name in the whole list
(``names.count(x)`` per name): a playbook of 16,000 classes took 5 s to
turn into a frame, a records table of 40,000 columns 40 s to profile, and
the messages listed every repeated name. Times are CPU seconds of this
process with a wide margin (the old code took 5 to 40 s).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import _validate as v
from custseg.errors import InputError, ThresholdError
from custseg.labels import Labels


def _cpu(fn: object) -> float:
    start = time.process_time()
    fn()  # type: ignore[operator]
    return time.process_time() - start


def test_action_plan_of_many_classes_is_linear() -> None:
    k = 40_000
    names = [f"class {i}" for i in range(k)]
    playbook = custseg.Playbook(
        {n: custseg.Action(f"call {i}", "phone", 1, 30) for i, n in enumerate(names)}
    )
    plan = custseg.actions(pd.Series(names), playbook)
    assert _cpu(plan.to_pandas) < 2.0  # about 6 s before (40,000 distinct actions)
    frame = plan.to_pandas()
    assert frame["action"].tolist()[::9999] == [f"call {i}" for i in range(0, k, 9999)]


def test_profile_of_a_wide_table_is_linear() -> None:
    w = 40_000
    df = pd.DataFrame(
        np.zeros((5, w), dtype=np.int8), columns=[f"c{i}" for i in range(w)]
    )
    df["name"] = ["a", None, "b", "c", "d"]
    df["phone"] = ["1", "2", None, "3", "4"]
    assert _cpu(lambda: custseg.profile_completeness(df)) < 10.0  # 40 s before
    twice = pd.DataFrame(
        np.zeros((1, 2 * w)), columns=[f"c{i % w}" for i in range(2 * w)]
    )
    with pytest.raises(InputError) as err:
        custseg.profile_completeness(twice)
    assert "'c0', 'c1'" in str(err.value) and f"and {w - 10:,} more" in str(err.value)
    assert len(str(err.value)) < 500


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from("abcdefghijklmnop"), max_size=40), st.integers(1, 5))
def test_repeated_lists_each_repeated_item_once_in_order(
    items: list, shown: int
) -> None:
    twice, text = v.repeated(items, shown=shown)
    want = [
        x for i, x in enumerate(items) if items.count(x) > 1 and items.index(x) == i
    ]
    assert twice == want
    assert text.startswith(", ".join(map(repr, want[:shown])))
    assert ("more" in text) == (len(want) > shown)


def test_labels_name_their_repeats_in_short() -> None:
    names = tuple(f"n{i % 5000}" for i in range(10_000))
    with pytest.raises(ThresholdError) as err:
        Labels([0], names)
    assert "'n0', 'n1'" in str(err.value) and "and 4,990 more repeated" in str(
        err.value
    )
