"""Audit 22, the engines: integer amounts of fewer than 64 bits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")
pytest.importorskip("narwhals")

from custseg.frame import summarize_frame  # noqa: E402


@pytest.mark.parametrize(
    "dtype", ["uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32"]
)
@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_narrow_integer_amounts(dtype: str, engine: str) -> None:
    """Amounts stored as small integers (a Polars UInt8, DuckDB's UTINYINT)
    are summed as in pandas: the check for integers past 2**53 compared the
    column with 2**53 cast to its own type, which such types cannot hold."""
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
            "amount": np.array([5, 7, 9], dtype=dtype),
        }
    )
    want = summarize_frame(tx)["monetary"].tolist()
    frame = pl.from_pandas(tx) if engine == "polars" else duckdb.from_df(tx)
    got = summarize_frame(frame, output="pandas")["monetary"].tolist()
    assert got == want == [12, 9]
