"""Engine defects found by the tenth audit (auditor I, engines versus pandas).

I1. NaN (not NULL) float ids were a customer ``nan``: now the missing-id
    InputError pandas gives.
I2. ``0.0`` and ``-0.0`` ids were two customers on PyArrow: now one.
I3. Integer amounts whose per-customer sum of absolute values passes 2**53
    (counted in Float64, which rounds ``2**53 + 1`` down) and single values
    past 2**53 were summed with rounding on Polars and DuckDB: now refused.
I4. Polars read ``%f`` as nanoseconds ('.5' was 5 ns): now a fraction of a
    second, or refused where it cannot be read so.
I6. PyArrow said ``%f`` dates were not dates in the format: now an error
    naming the missing ``%f``.

Frames are tiny; no Spark.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import InputError
from custseg.frame import summarize_frame

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")

from test_engines import CHEAP, need

AS_OF = "2024-06-30"
DATES = ["2024-01-01", "2024-02-01", "2024-03-01"]


def _polars(ids: list[float]) -> Any:
    pl = need("polars")
    return pl.DataFrame(
        {
            "customer_id": ids,
            "date": pd.to_datetime(DATES[: len(ids)]),
            "amount": [1.0, 2.0, 3.0][: len(ids)],
        },
        nan_to_null=False,
    )


def _float_id_frames(ids: list[float]) -> dict[str, Any]:
    """Native frames whose float ids keep NaN and -0.0 as they are."""
    df = _polars(ids)
    duckdb = need("duckdb")
    need("pyarrow")
    return {
        "polars": df,
        "polars-lazy": df.lazy(),
        "pyarrow": df.to_arrow(),
        "duckdb": duckdb.from_arrow(df.to_arrow()),
    }


def _summary(frame: Any, **kw: Any) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return summarize_frame(frame, as_of=AS_OF, output="pandas", **kw)


# I1 ------------------------------------------------------------------------


@pytest.mark.parametrize("engine", list(CHEAP))
def test_nan_ids_are_missing_ids(engine: str) -> None:
    frame = _float_id_frames([1.0, math.nan, 2.0])[engine]
    with pytest.raises(InputError, match=r"missing customer ids \(1 row\)"):
        _summary(frame)


# I2 ------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from([0.0, -0.0, 1.0]), min_size=1, max_size=3))
def test_signed_zero_ids_are_one_customer(ids: list[float]) -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ids,
            "date": pd.to_datetime(DATES[: len(ids)]),
            "amount": [1.0, 2.0, 3.0][: len(ids)],
        }
    )
    want = summarize_frame(tx, as_of=AS_OF)[["frequency", "monetary"]]
    for name, frame in _float_id_frames(ids).items():
        got = _summary(frame)[["frequency", "monetary"]]
        assert got.index.tolist() == want.index.tolist(), name
        assert got.to_dict("list") == want.to_dict("list"), name


# I3 ------------------------------------------------------------------------


def _int_tx(amounts: list[int], dtype: str = "int64") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a"] * len(amounts) + ["b"],
            "date": pd.Timestamp("2024-01-01"),
            "amount": np.array([*amounts, 3], dtype=dtype),
        }
    )


@pytest.mark.parametrize("engine", list(CHEAP))
@pytest.mark.parametrize(
    "amounts",
    [[2**52, 2**52, 1], [2**52, 2**52] + [1] * 50, [-(2**52), 2**52, -1]],
)
def test_integer_sums_past_2_53_are_refused(engine: str, amounts: list[int]) -> None:
    tx = _int_tx(amounts)
    with pytest.raises(InputError, match=r"sum for 1 customer.*may pass 2\*\*53"):
        summarize_frame(tx, as_of=AS_OF)
    with pytest.raises(InputError, match=r"sum for 1 customer may pass 2\*\*53"):
        _summary(CHEAP[engine](tx))


@pytest.mark.parametrize("engine", ["polars", "polars-lazy", "duckdb"])
@pytest.mark.parametrize(
    ("amounts", "dtype"),
    [([2**53 + 1], "int64"), ([-(2**53) - 1], "int64"), ([2**53 + 1], "uint64")],
)
def test_integers_past_2_53_are_refused(
    engine: str, amounts: list[int], dtype: str
) -> None:
    tx = _int_tx(amounts, dtype)
    problem = r"has integers beyond 2\*\*53, which float64 sums do not hold exactly"
    with pytest.raises(InputError, match=problem):
        summarize_frame(tx, as_of=AS_OF)
    with pytest.raises(InputError, match=problem + r" \(1 row\)"):
        _summary(CHEAP[engine](tx))


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.sampled_from([2**52, 2**52 - 1, 2**51, 1, 2, -1, 0]), min_size=1, max_size=5
    )
)
def test_integer_sums_agree_with_pandas(amounts: list[int]) -> None:
    tx = _int_tx(amounts)
    exact = sum(abs(x) for x in amounts) <= 2**53
    if exact:
        want = summarize_frame(tx, as_of=AS_OF)["monetary"].tolist()
        assert want[0] == sum(amounts)
    for name in ("polars", "duckdb"):
        frame = CHEAP[name](tx)
        if exact:
            assert _summary(frame)["monetary"].tolist() == want, name
        else:
            with pytest.raises(InputError, match=r"may pass 2\*\*53"):
                _summary(frame)


# I4 / I6 -------------------------------------------------------------------

FRACTION = "%Y-%m-%d %H:%M:%S.%f"


def _text_tx(dates: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"customer_id": ["a"] * len(dates), "date": dates, "amount": 1.0}
    )


def _first_last(frame: Any, fmt: str) -> list[Any]:
    out = _summary(frame, date_format=fmt)
    return [
        out["first_purchase"].astype("datetime64[us]").iloc[0],
        out["last_purchase"].astype("datetime64[us]").iloc[0],
    ]


@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.text("0123456789", min_size=1, max_size=6), min_size=1, max_size=3),
    st.booleans(),
)
def test_polars_reads_fractions_as_python(digits: list[str], zone: bool) -> None:
    pl = need("polars")
    fmt = FRACTION + ("%z" if zone else "")
    dates = [f"2024-01-31 23:30:00.{d}" + ("+0100" if zone else "") for d in digits]
    tx = _text_tx(dates)
    want = pd.to_datetime([f"2024-01-31 23:30:00.{d}" for d in digits], format=FRACTION)
    expect = [want.min(), want.max()]
    assert _first_last(pl.from_pandas(tx), fmt) == expect
    assert _first_last(pl.from_pandas(tx).lazy(), fmt) == expect
    assert _first_last(CHEAP["duckdb"](tx), fmt) == expect  # unchanged there


@pytest.mark.parametrize("engine", ["polars", "polars-lazy"])
def test_polars_refuses_what_pandas_refuses(engine: str) -> None:
    # (audit 36: '23:30:00.' and 7 digits, which pandas reads, are read)
    bad = ["2024-01-31 23:30:00", "2024-01-31 23:30:00.5x"]
    tx = _text_tx(["2024-01-31 23:30:00.5", *bad])
    with pytest.raises(InputError, match=r"not dates in the format .*\(2 rows\)"):
        _summary(CHEAP[engine](tx), date_format=FRACTION)


@pytest.mark.parametrize("engine", ["polars", "polars-lazy"])
@pytest.mark.parametrize("fmt", ["%Y-%m-%d %H:%M:%S,%f", "%f %Y-%m-%d"])
def test_polars_refuses_other_fractions(engine: str, fmt: str) -> None:
    tx = _text_tx(["2024-01-31 23:30:00,5"])
    with pytest.raises(InputError, match="whole number of nanoseconds") as err:
        _summary(CHEAP[engine](tx), date_format=fmt)
    assert err.value.field == "date_format"


def test_pyarrow_names_the_missing_fraction() -> None:
    # (audit 36: a '.%f' ending the format is read on PyArrow too)
    tx = _text_tx(["2024-01-31 23:30:00,5"])
    with pytest.raises(InputError, match=r"Arrow's strptime has no %f") as err:
        _summary(CHEAP["pyarrow"](tx), date_format="%Y-%m-%d %H:%M:%S,%f")
    assert err.value.field == "date_format"
    assert "cast the column to timestamps" in str(err.value)
