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


# column labels and column arguments: strings, other hashables, unhashables
_LABELS = st.one_of(
    st.text(max_size=3),
    st.integers(-3, 3),
    st.floats(allow_nan=True),
    st.none(),
    st.booleans(),
    st.tuples(st.integers(0, 2)),
)
_COLUMN_ARGS = st.one_of(
    _LABELS,
    st.lists(st.text(max_size=2), max_size=2),
    st.dictionaries(st.text(max_size=1), st.integers(), max_size=1),
    st.sets(st.integers(0, 2), max_size=2),
    st.just(slice(None)),
    st.just(np.array([0])),
)
_ODD = st.one_of(
    st.none(),
    st.integers(-2, 3),
    st.text(max_size=6),
    st.floats(allow_nan=True),
    st.lists(st.integers(0, 3), max_size=2),
    st.booleans(),
    st.just(b"ecommerce"),
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
    if draw(st.booleans()):  # other labels, duplicates allowed
        labels = draw(
            st.lists(_LABELS, min_size=frame.shape[1], max_size=frame.shape[1])
        )
        frame.columns = pd.Index(labels, dtype=object, tupleize_cols=False)
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
        frame=odd_frames(),
        customer=_COLUMN_ARGS,
        date=_COLUMN_ARGS,
        amount=_COLUMN_ARGS,
        data=st.data(),
    )
    @_SETTINGS
    def test_odd_column_arguments(
        self,
        frame: pd.DataFrame,
        customer: object,
        date: object,
        amount: object,
        data: st.DataObject,
    ) -> None:
        """Any column arguments (ints, None, NaN, tuples, lists, dicts, sets)
        and labels (ints, duplicates) for the three entry points: a result or
        a custseg error."""
        pick = st.one_of(st.sampled_from(list(frame.columns) or [0]), _COLUMN_ARGS)
        if data.draw(st.booleans()):
            customer, date, amount = (data.draw(pick) for _ in range(3))
        columns = {"customer": customer, "date": date, "amount": amount}
        _call(summarize_frame, frame, **columns)
        _call(segment_frame, frame, bins=2, **columns)
        _call(segment, frame, preset="ecommerce", **columns)

    @given(
        frame=odd_frames(),
        preset=_ODD,
        as_of=st.one_of(_ODD, _DATES),
        bins=_ODD,
        option=st.sampled_from(
            ["frequency", "zero_amount", "after_as_of", "lang", "date_format"]
        ),
        value=_ODD,
    )
    @_SETTINGS
    def test_odd_arguments(
        self,
        frame: pd.DataFrame,
        preset: object,
        as_of: object,
        bins: object,
        option: str,
        value: object,
    ) -> None:
        """Odd presets (paths, numbers, bytes), days, bin counts and options
        for segment: a result or a custseg error."""
        _call(segment, frame, preset=preset, as_of=as_of)
        _call(segment, frame, bins=bins)
        _call(segment, frame, preset="ecommerce", **{option: value})

    @given(
        rules=st.one_of(_ODD, st.just("ecommerce")),
        lang=st.one_of(_ODD, st.just("zh")),
        explain=_ODD,
        duplicate=st.sampled_from([None, "r", "monetary", "lifecycle", "x"]),
        labels=st.lists(_LABELS, min_size=2, max_size=2),
    )
    @_SETTINGS
    def test_apply_rules_arguments(
        self,
        rules: object,
        lang: object,
        explain: object,
        duplicate: str | None,
        labels: list[object],
    ) -> None:
        """apply_rules with odd rules, lang, explain, duplicated and non-str
        columns: a result or a custseg error."""
        base = pd.DataFrame(
            {
                "recency_days": [5.0, 400.0],
                "frequency": [3, 1],
                "monetary": [10.0, 2.0],
                "tenure_days": [9.0, 500.0],
                "r": [3, 1],
                "f": [3, 1],
                "m": [3, 1],
                "x": ["a", "b"],
            }
        )
        extra = pd.DataFrame([[1, 2], [3, 4]])
        extra.columns = pd.Index(labels, dtype=object, tupleize_cols=False)
        base = pd.concat([base, extra], axis=1)
        if duplicate is not None and duplicate in base.columns:
            base = pd.concat([base, base[[duplicate]]], axis=1)
        _call(apply_rules, base, rules, lang=lang, explain=explain)

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
