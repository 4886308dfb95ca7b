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
