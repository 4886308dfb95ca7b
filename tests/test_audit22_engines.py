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


@pytest.mark.parametrize("column", ["amount", "date", "customer_id"])
def test_a_column_of_missing_values_only(column: str) -> None:
    """A column of None made into Polars (no type of its own: text or Null)
    is said to hold missing values, as pandas says, not advised a cast."""
    from custseg.errors import InputError

    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "amount": [1.0, 2.0],
        }
    )
    tx[column] = pd.Series([None, None], dtype=object)
    with pytest.raises(InputError, match="missing") as info:
        summarize_frame(pl.from_pandas(tx), output="pandas")
    assert "cast" not in str(info.value)
    assert info.value.field == column
