"""Audit 39, engines against the pandas path.

Float amounts spanning more binary places than six limbs hold (``1e300``
beside ``1e-300``, ``1e308`` beside ``5.0``) were summed by the engine's
own float sum for every customer whose amounts are not all decimals: a
customer's ``1e16, 1.0, -1e16`` gave 0.0 (pandas 1.0), ``1e308, 1e308,
-1e308`` was refused as an overflow (pandas 1e308), and order lines were
refused. The engines now sum such columns in as many limbs as they need.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg import btyd_summary
from custseg.engines import engine_btyd_summary
from custseg.frame import summarize_frame

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

AS_OF = "2024-02-01"


def _frame(ids: list[int], amounts: list[float], orders: list[int] | None = None):
    df = pd.DataFrame(
        {
            "customer_id": ids,
            "date": pd.to_datetime(["2024-01-01"] * len(ids))
            + pd.to_timedelta(np.arange(len(ids)) % 3, unit="D"),
            "amount": np.array(amounts, dtype=np.float64),
        }
    )
    if orders is not None:
        df["order_id"] = orders
    return df


def _natives(df: pd.DataFrame) -> dict[str, object]:
    out: dict[str, object] = {
        "polars": pl.from_pandas(df),
        "pyarrow": pa.Table.from_pandas(df, preserve_index=False),
    }
    try:
        import duckdb
    except ImportError:  # pragma: no cover
        return out
    out["duckdb"] = duckdb.connect().from_arrow(out["pyarrow"])
    return out


def _monetary(frame: object, **kw: object) -> list[float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DuckDB's view, Dask's own notes
        out = summarize_frame(frame, as_of=AS_OF, output="pandas", **kw)  # type: ignore[call-overload]
    return out["monetary"].tolist()


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        ([1e16, 1.0, -1e16, 1e-300], [1.0, 1e-300]),  # cancelled to 0.0
        ([1e308, 1e308, -1e308, 5.0], [1e308, 5.0]),  # refused as overflow
        ([1e300, 1.0, -1e300, 5e-324], [1.0, 5e-324]),  # subnormal beside
    ],
)
def test_wide_amounts_summed_exactly_as_pandas(amounts, expected):
    df = _frame([1, 1, 1, 2], amounts)
    assert summarize_frame(df, as_of=AS_OF)["monetary"].tolist() == expected
    for name, native in _natives(df).items():
        assert _monetary(native) == expected, name


def test_wide_amounts_order_lines():
    # before: refused ("needs exact order sums, which this engine cannot make")
    df = _frame([1, 1, 1, 2], [1e16, 1.0, -1e16, 1e-300], orders=[1, 1, 2, 3])
    ref = summarize_frame(df, as_of=AS_OF, order="order_id")
    for name, native in _natives(df).items():
        got = _monetary(native, order="order_id")
        assert got == ref["monetary"].tolist(), name


def test_wide_amounts_btyd_spend():
    # the repeat spend of customer 1 (1e16, 1.0, -1e16 over three periods)
    # beside customer 2's repeat 1e-300: before, 0.0 on the engine
    df = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 1, 2, 2],
            "date": pd.to_datetime(
                [
                    "2024-01-01",
                    "2024-01-05",
                    "2024-01-09",
                    "2024-01-13",
                    "2024-01-01",
                    "2024-01-05",
                ]
            ),
            "amount": [5.0, 1e16, 1.0, -1e16, 1e-300, 1e-300],
        }
    )
    ref = btyd_summary(df.customer_id, df.date, df.amount, observation_end=AS_OF)
    got = engine_btyd_summary(pl.from_pandas(df), observation_end=AS_OF)
    assert ref.monetary_value.tolist() == [1.0 / 3.0, 1e-300]
    assert got.monetary_value.tolist() == ref.monetary_value.tolist()


_VALUES = st.sampled_from(
    [1e16, -1e16, 1.0, -3.0, 0.1, 1 / 3, 1e-300, 1e300, -1e300, 5e-324, 1e308, -1e308]
)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 1), _VALUES), min_size=1, max_size=7
    ),
    lines=st.booleans(),
)
def test_any_span_polars_gives_pandas_sums(rows, lines):
    df = _frame([r[0] for r in rows], [r[2] for r in rows], [r[1] for r in rows])
    kw = {"order": "order_id"} if lines else {}
    try:
        ref = summarize_frame(df, as_of=AS_OF, **kw)["monetary"].tolist()
    except Exception as exc:  # the same refusal on the engine
        with pytest.raises(type(exc)):
            _monetary(pl.from_pandas(df), **kw)
        return
    assert _monetary(pl.from_pandas(df), **kw) == ref


def test_count_past_2_53_fix_speaks_of_counts():
    # audit 38 numbers finding 4: the fix said "scale the amounts down"
    from custseg import Labels, segment_summary
    from custseg.errors import InputError

    labels = Labels(np.zeros(3, dtype=int), ("a",))
    facts = pd.DataFrame(
        {
            "frequency": np.array([2**53 + 2, 1, 1]),
            "monetary": [1.0, 2.0, 3.0],
            "recency_days": [1.0, 2.0, 3.0],
        }
    )
    with pytest.raises(InputError, match="beyond 2") as err:
        segment_summary(labels, facts)
    assert err.value.field == "frequency"
    assert "amounts" not in err.value.fix and "count" in err.value.fix


def test_polars_date_ids_are_dates_in_pandas_output():
    # before: Polars Date ids came back as Timestamps (datetime64[ms]) where
    # PyArrow and DuckDB give datetime.date, as pandas holds dates
    import datetime as dt

    tx = pl.DataFrame(
        {
            "customer_id": [dt.date(2020, 1, 2), dt.date(2020, 1, 1)],
            "date": ["2024-01-01", "2024-01-02"],
            "amount": [1.0, 2.0],
        }
    )
    got = summarize_frame(tx, as_of=AS_OF, output="pandas").index.tolist()
    ref = summarize_frame(tx.to_arrow(), as_of=AS_OF, output="pandas").index.tolist()
    assert got == ref == [dt.date(2020, 1, 1), dt.date(2020, 1, 2)]
    assert all(type(i) is dt.date for i in got)
    native = summarize_frame(tx, as_of=AS_OF)
    assert native.schema["customer_id"] == pl.Date  # the engine's kind kept
