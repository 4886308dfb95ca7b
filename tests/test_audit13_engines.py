"""Audit 13 V3: ``approx_rfm_edges`` checks the facts' column types.

Text or boolean ``recency_days``, ``frequency`` or ``monetary`` gave a bare
engine error (Polars ComputeError, DuckDB BinderException, Spark
IllegalArgumentException) or, for recency and monetary on Polars and
DuckDB, edges fitted on the text cast to numbers, which ``label_in_engine``
then refused. Now an InputError names the column, as ``label_in_engine``
does. (The Spark cases run in test_engines.py's Spark session.)
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import quantile_edges
from custseg.errors import InputError

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")

from custseg.engines import approx_rfm_edges

FACTS = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "d"],
        "recency_days": [3.0, 40.0, 9.0, 100.0],
        "frequency": [2, 1, 3, 1],
        "monetary": [30.0, 10.0, 20.0, 5.0],
    }
)


def _engines() -> list[str]:
    out = []
    for name in ("polars", "duckdb"):
        try:
            __import__(name)
        except ImportError:
            continue
        out.append(name)
    return out


def _convert(engine: str, frame: pd.DataFrame) -> Any:
    if engine == "polars":
        import polars as pl

        return pl.from_pandas(frame)
    import duckdb

    con = duckdb.connect()
    return con.from_df(frame)


@pytest.mark.skipif(not _engines(), reason="needs Polars or DuckDB")
@settings(max_examples=20, deadline=None)
@given(
    column=st.sampled_from(["recency_days", "frequency", "monetary"]),
    kind=st.sampled_from(["text", "bool"]),
    engine=st.sampled_from(_engines() or ["polars"]),
)
def test_non_numeric_fact_columns_refused(column: str, kind: str, engine: str) -> None:
    bad = FACTS.copy()
    if kind == "text":
        bad[column] = bad[column].astype(str)
    else:
        bad[column] = bad[column].astype(float) > 5
    with pytest.raises(InputError, match="must be a column of numbers") as info:
        approx_rfm_edges(_convert(engine, bad))
    assert info.value.field == column


@pytest.mark.skipif(not _engines(), reason="needs Polars or DuckDB")
@pytest.mark.parametrize("engine", _engines())
def test_numeric_facts_still_fit(engine: str) -> None:
    edges = approx_rfm_edges(_convert(engine, FACTS), bins=2)
    assert edges.frequency == quantile_edges(FACTS["frequency"], 2)
    assert edges.monetary == quantile_edges(FACTS["monetary"], 2)
