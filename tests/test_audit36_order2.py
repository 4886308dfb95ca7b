"""Audit 36, round 2 of its class order: every place that lists classes
lists text written as whole numbers as the numbers they are.

1. ``transition_matrix`` of plain labels, one of them written with an accent
   apart (``Cafe\u0301``, as macOS writes it), sorted its classes again once
   composed, as text: ``"10"`` before ``"9"``, where the same labels with
   the accent composed (and ``label_codes``, ``segment_summary``,
   ``tags_from_values``, ``nps``) list ``"9"`` before ``"10"``.
"""

from __future__ import annotations

import unicodedata
import warnings

import hypothesis
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.labels import label_codes

FAST = settings(max_examples=40, deadline=None, database=None)
# properties that must find a rare case keep their budget where CI scales
# the examples down (conftest.py)
SEARCH = getattr(hypothesis, "custseg_unscaled", settings)(
    max_examples=60, deadline=None, database=None
)


def _quiet_tm(before: object, after: object) -> custseg.TransitionMatrix:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        return custseg.transition_matrix(before, after)


# --------------------------------------------------------------------------
# 1. transition_matrix: classes composed (NFC) keep the order of label_codes


def test_composed_classes_keep_whole_numbers_first() -> None:
    """The repro: one class written with its accent apart (was: rows
    ``10, 9, Café``, columns ``10, 9, Café`` with the roles swapped)."""
    before = pd.Series(["10", "9", "Cafe\u0301", "9"], index=[1, 2, 3, 4])
    after = pd.Series(["9", "10", "tea", "10"], index=[1, 2, 3, 4])
    tm = _quiet_tm(before, after)
    assert list(tm.counts.index) == ["9", "10", "Café", "(new)"]
    back = _quiet_tm(after, before)
    assert list(back.counts.columns) == ["9", "10", "Café", "(gone)"]
    # as the same labels with the accent composed
    composed = _quiet_tm(before.map(lambda s: unicodedata.normalize("NFC", s)), after)
    assert tm.counts.equals(composed.counts)


_NAMES = st.sampled_from(
    ["9", "10", "2", "100", "-3", "007", "+7", "Cafe\u0301", "Caf\u00e9", "tea", "a"]
)


@SEARCH
@given(st.lists(_NAMES, min_size=1, max_size=12), st.data())
def test_property_composing_does_not_reorder(
    names: list[str], data: st.DataObject
) -> None:
    """Whatever plain labels, the matrix of the labels as written equals the
    matrix of the same labels composed (NFC), rows and columns in the order
    ``label_codes`` gives the composed labels."""
    after_names = data.draw(st.lists(_NAMES, min_size=len(names), max_size=len(names)))
    idx = list(range(len(names)))
    before = pd.Series(names, index=idx)
    after = pd.Series(after_names, index=idx)
    nfc = {n: unicodedata.normalize("NFC", n) for n in set(names) | set(after_names)}
    tm = _quiet_tm(before, after)
    ref = _quiet_tm(before.map(nfc), after.map(nfc))
    assert tm.counts.equals(ref.counts)
    rows = list(label_codes(np.array(before.map(nfc).tolist(), dtype=object))[1])
    assert list(tm.counts.index)[: len(rows)] == rows
