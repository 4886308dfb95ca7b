"""Shared hypothesis strategies for the custseg test suite."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

__all__ = ["finite_values", "small_values", "transactions"]

BASE_DAY = np.datetime64("2024-01-01", "D")


def finite_values(
    min_size: int = 1, max_size: int = 60
) -> st.SearchStrategy[np.ndarray]:
    """Float arrays with many ties (values drawn from a small pool) and extremes."""
    pool = st.sampled_from([-5.0, 0.0, 0.5, 1.0, 2.0, 3.0, 7.0, 10.0, 100.0, 1e6])
    element = st.one_of(
        pool, st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
    )
    return hnp.arrays(np.float64, st.integers(min_size, max_size), elements=element)


def small_values(
    min_size: int = 1, max_size: int = 60
) -> st.SearchStrategy[np.ndarray]:
    """Non-negative integer arrays with heavy ties (like purchase counts)."""
    return hnp.arrays(
        np.int64, st.integers(min_size, max_size), elements=st.integers(0, 12)
    )


@st.composite
def transactions(
    draw: st.DrawFn,
    max_rows: int = 40,
    string_ids: bool | None = None,
    refunds: bool = True,
) -> pd.DataFrame:
    """A small transaction table: customer_id, date (datetime64[s]), amount.

    Ids are integers (possibly negative or sparse) or strings; dates fall within
    60 days of 2024-01-01 with times of day; amounts include zeros and, when
    *refunds*, negatives.
    """
    n = draw(st.integers(1, max_rows))
    use_str = draw(st.booleans()) if string_ids is None else string_ids
    n_customers = draw(st.integers(1, max(1, n)))
    pool = (
        st.sampled_from([f"c{i}" for i in range(n_customers)])
        if use_str
        else st.sampled_from(
            draw(
                st.lists(
                    st.integers(-(10**12), 10**12),
                    min_size=n_customers,
                    max_size=n_customers,
                    unique=True,
                )
            )
            if draw(st.booleans())
            else list(range(n_customers))
        )
    )
    ids = draw(st.lists(pool, min_size=n, max_size=n))
    seconds = draw(st.lists(st.integers(0, 60 * 86_400 - 1), min_size=n, max_size=n))
    lo = -50.0 if refunds else 0.0
    amounts = draw(
        st.lists(
            st.one_of(
                st.just(0.0),
                st.sampled_from([5.0, 10.0, 99.5]),
                st.floats(lo, 500.0, allow_nan=False).map(lambda x: round(x, 2)),
            ),
            min_size=n,
            max_size=n,
        )
    )
    dates = BASE_DAY.astype("datetime64[s]") + np.asarray(
        seconds, dtype="timedelta64[s]"
    )
    return pd.DataFrame({"customer_id": ids, "date": dates, "amount": amounts})


# --- RFM, ABC/Pareto and lifecycle (tests/test_rfm.py, test_pareto.py,
# test_lifecycle.py) ---


def integer_amounts(
    min_size: int = 1, max_size: int = 60, lo: int = -20, hi: int = 300
) -> st.SearchStrategy[np.ndarray]:
    """Float arrays of whole numbers in [lo, hi] with many ties.

    Sums and shares of these are exact in float64, so results can be compared
    with exact (Fraction) reference arithmetic.
    """
    pool = st.sampled_from([0, 1, 5, 20, 50, 100])
    element = st.one_of(pool.filter(lambda v: lo <= v <= hi), st.integers(lo, hi))
    return hnp.arrays(
        np.float64, st.integers(min_size, max_size), elements=element.map(float)
    )


def distinct_values(
    min_size: int = 1, max_size: int = 60
) -> st.SearchStrategy[np.ndarray]:
    """Float arrays of distinct values (at least 1 apart: no rounding collisions)."""
    return st.lists(
        st.integers(-(10**6), 10**6), min_size=min_size, max_size=max_size, unique=True
    ).map(lambda xs: np.asarray(xs, dtype=np.float64))


def recency_days(
    min_size: int = 1, max_size: int = 60, nan: bool = True
) -> st.SearchStrategy[np.ndarray]:
    """Non-negative days since the last purchase, with the e-commerce boundaries
    (89.999, 90, 180, 270, 365, ...) over-represented and, when *nan*, NaN for
    customers without a purchase."""
    edges = st.sampled_from(
        [0.0, 1.0, 89.999, 90.0, 179.999, 180.0, 269.999, 270.0, 364.999, 365.0]
    )
    element = st.one_of(
        edges, st.floats(0.0, 2000.0, allow_nan=False), st.integers(0, 800)
    )
    if nan:
        element = st.one_of(element, st.just(float("nan")))
    return hnp.arrays(
        np.float64, st.integers(min_size, max_size), elements=element.map(float)
    )


@st.composite
def lifecycle_breaks(
    draw: st.DrawFn, max_stages: int = 6
) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """Strictly increasing positive breaks and matching distinct stage labels."""
    breaks = sorted(
        draw(
            st.sets(
                st.one_of(
                    st.integers(1, 800).map(float),
                    st.floats(0.001, 2000.0, allow_nan=False),
                ),
                min_size=0,
                max_size=max_stages - 1,
            )
        )
    )
    labels = tuple(f"stage{i}" for i in range(len(breaks) + 1))
    return tuple(breaks), labels
