"""Audit 39, round 2 (r2perf): the cost of round 1's checks.

1. ``rules check`` cut both day counts (``tenure_days``, ``recency_days``)
   at each other's thresholds so that every cell of its grid is possible
   in a run or not: a segmentation reading both with a dozen thresholds
   each had its grid grow past the 200,000-cell limit (195,300 cells before
   round 1, 420,112 after) and was no longer analysed at all, its
   ``never-matches`` warning gone. It is now cut without the couplings
   when they alone make the grid too large (a run's reasoning left out,
   the rules' own checks kept).
2. ``assert_monotone``'s check for a fall between two raised values sorted
   each row's values (2.7x the time of the whole check at 100k rows); it
   now reads each row's smallest and largest value of each label, with the
   same answers (property against the definition).
4. A frozen result's ``.index`` is a new Index per read (round 1): with a
   MultiIndex each read dropped pandas' lookup table, so
   ``labels.index.get_loc(key)`` rebuilt it on every call (O(rows)); every
   read now shares the one engine.

(Finding 3 of FINDINGS.md, bytes_as_text's cost, changes no answer: no test.)
"""

from __future__ import annotations

import hypothesis
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.rules import _analysis
from custseg.testing import _first_fall

_FIELDS = """format = 1
[fields]
recency_days = { type = "number", min = 0 }
frequency = { type = "integer", min = 0 }
monetary = { type = "number" }
tenure_days = { type = "number", min = 0 }
"""


def _day_counts_file(n_rules: int, step: int) -> str:
    lines = [_FIELDS, "[segments.s]", 'default = "d"', "rules = ["]
    for r in range(n_rules):
        lines.append(
            f'  {{ label = "l{r}", when = "recency_days < {10 * r} and '
            f"frequency >= {r % 5 + 1} and monetary >= {100 * r} and "
            f'tenure_days >= {r * step}" }},'
        )
    lines.append("]")
    return "\n".join(lines) + "\n"


def test_rules_check_analyses_a_grid_the_couplings_alone_make_too_large():
    """Finding 1: 15 thresholds on each day count (195,300 cells cut as the
    rules read them): round 1 reported 'not analysed' (420,112 cells) and
    lost the warning that rule 1 (recency_days < 0) never matches."""
    found = rules.check(_day_counts_file(15, 20), text=True)
    codes = [d.code for d in found]
    assert "not-analysed" not in codes, [d.render() for d in found]
    dead = [d for d in found if d.code == "never-matches"]
    assert [d.line for d in dead] == [11], [d.render() for d in found]


@settings(max_examples=12, deadline=None)
@given(n_rules=st.integers(8, 16), step=st.sampled_from([7, 15, 20, 30, 45]))
def test_rules_check_not_analysed_only_when_the_rules_own_grid_is_too_large(
    n_rules, step
):
    """Property of finding 1: a segmentation is 'not analysed' for its grid
    only when the grid of the rules' own thresholds (no couplings) is itself
    past the limit."""
    text = _day_counts_file(n_rules, step)
    rs = rules.loads(text)
    cuts = {
        "recency_days": {10.0 * r for r in range(n_rules)},
        "frequency": {float(r % 5 + 1) for r in range(n_rules)},
        "monetary": {100.0 * r for r in range(n_rules)},
        "tenure_days": {float(r * step) for r in range(n_rules)},
    }
    size = int(
        np.prod([len(_analysis._cell_points(rs.fields[f], c)) for f, c in cuts.items()])
    )
    found = rules.check(text, text=True)
    if size <= _analysis.MAX_GRID:
        assert "not-analysed" not in [d.code for d in found], (size, n_rules, step)
        assert [d.line for d in found if d.code == "never-matches"][:1] == [11]


def _brute_fall(points):
    """The first row lower at a larger value than at a smaller one, by the
    definition: every pair of its evaluated values."""
    n = len(points[0][0])
    for c in range(n):
        xs = [float(x[c]) for x, r in points if r[c] >= 0 and np.isfinite(x[c])]
        rs = [int(r[c]) for x, r in points if r[c] >= 0 and np.isfinite(x[c])]
        falls = [
            b
            for b, q in zip(xs, rs, strict=True)
            if any(a < b and p > q for a, p in zip(xs, rs, strict=True))
        ]
        if falls:
            k = min(falls)
            top = max(p for a, p in zip(xs, rs, strict=True) if a < k)
            return (
                c,
                max(a for a, p in zip(xs, rs, strict=True) if a < k and p == top),
                k,
            )
    return None


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=300, deadline=None)
@given(
    n=st.integers(1, 5),
    levels=st.integers(1, 4),
    data=st.data(),
)
def test_first_fall_is_the_first_pair_that_falls(n, levels, data):
    """Finding 2 (no change of answers): the single pass over the points
    finds the row, the smaller and the larger value the definition gives.
    A row's label is a function of its value (the rules read the row alone),
    some values not evaluated (rank -1) or missing."""
    table = data.draw(
        st.lists(
            st.lists(st.integers(-1, levels - 1), min_size=8, max_size=8),
            min_size=n,
            max_size=n,
        )
    )
    n_points = data.draw(st.integers(1, 7))
    points = []
    for _ in range(n_points):
        at = data.draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))
        x = np.array([np.nan if i == 8 else float(i) for i in at])
        r = np.array([-1 if i == 8 else table[c][i] for c, i in enumerate(at)])
        skip = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
        points.append((x, np.where(skip, -1, r)))
    assert _first_fall(points) == _brute_fall(points)


def test_reads_of_a_multiindex_result_index_share_one_lookup_table():
    """Finding 4: each read of a frozen result's ``.index`` is a new Index
    (round 1); with a MultiIndex the copy's lookup table was its own, so
    ``res.index.get_loc(key)`` built it again on every read (3.5 ms per
    call at 1M ids, O(rows)). Every read now holds the same one, and a
    rename of one read still leaves the result's names."""
    import pandas as pd

    from custseg import Labels

    ids = pd.MultiIndex.from_arrays(
        [np.arange(6), np.arange(6) % 2], names=["customer_id", "region"]
    )
    lab = Labels(np.zeros(6, np.int8), ("a",), index=ids)
    first, second = lab.index, lab.index
    assert first is not second
    assert first.get_loc((3, 1)) == 3 and second.get_loc((4, 0)) == 4
    assert first._engine is second._engine  # one table, filled once
    first.names = ["member", "zone"]
    assert list(lab.index.names) == ["customer_id", "region"]
    assert lab.index.get_loc((5, 1)) == 5
