"""The DataFrame entry points on odd frames: a result or a custseg error, never
a bare pandas / NumPy / Python exception."""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg.errors import CustsegError, CustsegWarning
from custseg.frame import apply_rules, segment, segment_frame, summarize_frame

_IDS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.text(max_size=4),
    st.binary(max_size=3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.just(pd.NA),
    st.tuples(st.integers(0, 3)),
    st.lists(st.integers(0, 3), max_size=2),
)
_DATES = st.one_of(
    st.datetimes(),
    st.dates().map(str),
    st.text(max_size=12),
    st.integers(-(2**40), 2**40),
    st.floats(),
    st.none(),
    st.sampled_from(["2024-01-01", "19970101", "2024-13-01", "NaT", ""]),
)
_AMOUNTS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**70), 2**70),
    st.text(max_size=5),
    st.none(),
    st.booleans(),
    st.just(pd.NA),
)


@st.composite
def odd_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 6))
    cols = {
        "customer_id": draw(st.lists(_IDS, min_size=n, max_size=n)),
        "date": draw(st.lists(_DATES, min_size=n, max_size=n)),
        "amount": draw(st.lists(_AMOUNTS, min_size=n, max_size=n)),
    }
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in cols.items()})
    if draw(st.booleans()):  # let pandas infer the dtypes, as a CSV reader would
        frame = frame.infer_objects()
    if n and draw(st.booleans()):
        frame = frame.drop(columns=draw(st.sampled_from(list(frame.columns))))
    if draw(st.booleans()):
        frame.index = pd.Index(draw(st.permutations(list(range(n)))))
    return frame


def _call(fn: object, *args: object, **kwargs: object) -> None:
    with warnings.catch_warnings(), contextlib.suppress(CustsegError):
        warnings.simplefilter("ignore", CustsegWarning)
        fn(*args, **kwargs)  # type: ignore[operator]


_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


class TestFrameFuzz:
    @given(frame=odd_frames())
    @_SETTINGS
    def test_summarize_frame(self, frame: pd.DataFrame) -> None:
        """summarize_frame: result or custseg error."""
        _call(summarize_frame, frame)

    @given(frame=odd_frames(), preset=st.sampled_from([None, "ecommerce"]))
    @_SETTINGS
    def test_segment(self, frame: pd.DataFrame, preset: str | None) -> None:
        """segment and segment_frame: result or custseg error."""
        _call(segment, frame, preset=preset)
        _call(segment_frame, frame, bins=2)

    @given(
        values=st.lists(
            st.one_of(
                st.floats(allow_nan=True, allow_infinity=True),
                st.integers(-5, 10**20),
                st.text(max_size=3),
                st.none(),
                st.booleans(),
            ),
            min_size=0,
            max_size=5,
        ),
        column=st.sampled_from(["r", "recency_days", "monetary", "frequency"]),
    )
    @_SETTINGS
    def test_apply_rules(self, values: list[object], column: str) -> None:
        """apply_rules on odd columns (a string r, huge ints): custseg errors."""
        n = len(values)
        base = {
            "recency_days": np.full(n, 5.0),
            "frequency": np.ones(n, dtype=np.int64),
            "monetary": np.full(n, 10.0),
            "tenure_days": np.full(n, 9.0),
            "r": np.full(n, 3),
            "f": np.full(n, 3),
            "m": np.full(n, 3),
        }
        base[column] = pd.Series(values, dtype=object).infer_objects()
        _call(apply_rules, pd.DataFrame(base), "ecommerce")
