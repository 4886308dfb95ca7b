"""Counting the edges below each value: the core of every interval classifier."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["edges_below"]

# Up to this many edges, one comparison pass per edge beats a binary search per
# value (np.searchsorted), which is branchy and cache-unfriendly on large arrays.
_COMPARE_MAX = 16


def edges_below(
    x: np.ndarray, edges: Sequence[float], *, inclusive: bool
) -> np.ndarray:
    """For each value, how many *edges* are below it: ``e < x`` or, when
    *inclusive*, ``e <= x``. *edges* must be non-decreasing. NaN counts 0.

    >>> edges_below(np.array([1.0, 2.0, 5.0]), [2.0, 4.0], inclusive=False).tolist()
    [0, 0, 2]
    >>> edges_below(np.array([1.0, 2.0, 5.0]), [2.0, 4.0], inclusive=True).tolist()
    [0, 1, 2]
    """
    if len(edges) > _COMPARE_MAX:
        out = np.searchsorted(
            np.asarray(edges, dtype=np.float64),
            x,
            side="right" if inclusive else "left",
        )
        if x.dtype.kind == "f":
            out[np.isnan(x)] = 0
        # the count runs 0..len(edges): the smallest signed type that holds it
        return out.astype(np.min_scalar_type(-len(edges) - 1))
    dtype = np.int8
    count: np.ndarray = np.zeros(len(x), dtype=dtype)
    compare = np.greater_equal if inclusive else np.greater
    buf = np.empty(len(x), dtype=bool)
    for e in edges:
        compare(x, e, out=buf)
        count += buf
    return count
