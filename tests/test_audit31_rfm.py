"""Audit 31, RFM and ABC.

- ``segment(abc_cutoffs=AbcCutoffs(basis="rank"))`` fitted the rank cut on
  the buyers only: customers only in ``records=`` (monetary 0) were not
  counted, though refund-only customers were, so the ``abc`` column
  disagreed with ``abc_classes`` on the frame it returned.
- ``ScoreEdges``' notebook table put every edge value under the wrong
  score (``< c`` for score 1) and ignored recency's mirrored scale.
"""

from __future__ import annotations

import html
import re
import warnings

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import AbcCutoffs, ScoreEdges, abc_classes, score


@settings(max_examples=25, deadline=None)
@given(
    amounts=st.lists(st.integers(1, 500), min_size=1, max_size=12),
    n_records=st.integers(0, 30),
    basis=st.sampled_from(["rank", "value"]),
    shuffle=st.randoms(use_true_random=False),
)
def test_abc_counts_every_customer_of_the_frame(
    amounts: list[int], n_records: int, basis: str, shuffle: object
) -> None:
    """Buyers and customers known only from records: the ``abc`` column
    is ``abc_classes`` of the frame's own monetary column, whatever the
    basis and the number of record-only customers."""
    buyers = [f"b{i:02d}" for i in range(len(amounts))]
    tx = pd.DataFrame(
        {
            "customer_id": buyers,
            "date": "2024-01-01",
            "amount": [float(a) for a in amounts],
        }
    )
    ids = [f"p{i:02d}" for i in range(n_records)] + buyers[:1]
    shuffle.shuffle(ids)  # type: ignore[attr-defined]
    records = pd.DataFrame({"customer_id": ids, "vip": "0"})
    cutoffs = AbcCutoffs(basis=basis)  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = custseg.segment(
            tx, records=records, as_of="2024-02-01", abc_cutoffs=cutoffs
        ).customers
    expected = abc_classes(
        out["monetary"], (cutoffs.a, cutoffs.b), basis=cutoffs.basis
    ).to_numpy()
    assert out["abc"].astype(str).tolist() == expected.tolist()


def test_reported_rank_cut_with_records() -> None:
    """5 buyers and 15 customers from records: A is the top 20% of the 20
    customers (4), as with 15 refund-only customers (was the top 1)."""
    buy = pd.DataFrame(
        {
            "customer_id": list("abcde"),
            "date": "2024-01-01",
            "amount": [100.0, 90, 80, 70, 60],
        }
    )
    rec = pd.DataFrame({"customer_id": [f"p{i:02d}" for i in range(15)], "vip": "0"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = custseg.segment(
            buy, records=rec, as_of="2024-02-01", abc_cutoffs=AbcCutoffs(basis="rank")
        ).customers
    assert list(out.index[out["abc"] == "A"]) == ["a", "b", "c", "d"]


def _holds(text: str, x: float) -> bool:
    """Whether *x* is in a range written as the table writes it."""
    ops = {
        "≤": np.less_equal,
        "<": np.less,
        "≥": np.greater_equal,
        ">": np.greater,
    }
    for part in text.split(", "):
        op, number = part.split(" ", 1)
        if not ops[op](x, float(number.replace(",", ""))):
            return False
    return True


@settings(max_examples=40, deadline=None)
@given(
    cuts=st.lists(
        st.sampled_from([-3.5, 0.0, 1.0, 2.0, 2.0, 4.0, 1e6, 1234.5]),
        min_size=1,
        max_size=6,
    ).map(sorted),
    extra=st.lists(st.floats(-10, 2e6, allow_nan=False), max_size=5),
)
def test_score_edges_table_shows_the_ranges_score_uses(
    cuts: list[float], extra: list[float]
) -> None:
    """Every value (the cuts themselves, their neighbours, others) is in
    the range the table shows for the score it gets, in both directions;
    a score marked empty gets no value."""
    edges = ScoreEdges(tuple(cuts))
    page = edges._repr_html_()
    cells = [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", page)]
    rows = [cells[i : i + 3] for i in range(0, len(cells), 3)]
    assert [r[0] for r in rows] == [str(s) for s in range(1, edges.bins + 1)]
    values = [*cuts, *(np.nextafter(c, np.inf) for c in cuts)]
    values += [*(np.nextafter(c, -np.inf) for c in cuts), *extra]
    for column, better in ((1, True), (2, False)):
        got = score(values, edges, higher_is_better=better).tolist()
        for x, s in zip(values, got, strict=True):
            shown = rows[s - 1][column]
            assert shown != "empty (equal cuts)", (x, s, shown)
            assert _holds(shown, x), (x, s, shown, better)
