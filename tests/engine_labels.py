"""Rules labelled inside an engine, for tests comparing them with the NumPy
path: ``custseg.engines.compile_rules(rs, backend=...).apply(...)`` on a
frame of that engine (``apply_rules`` would read the engine frame into the
NumPy path, comparing it with itself)."""

from __future__ import annotations

from typing import Any

import pandas as pd


def in_engine(
    rs: Any, df: pd.DataFrame, engine: str, spark_frame: Any = None
) -> pd.DataFrame:
    """The outputs of *rs* on the rows of *df* (a pandas frame with a
    ``customer_id`` column), computed in *engine* (``polars``, ``duckdb``,
    ``pyarrow``, ``pandas``, ``dask``, or ``spark`` with *spark_frame*, a
    function of the pandas frame), indexed by ``customer_id`` in the order
    of *df*."""
    import narwhals as nw

    from custseg.engines import compile_rules

    frame: Any = df
    if engine == "polars":
        import polars as pl

        frame = pl.from_pandas(df)
    elif engine == "duckdb":
        import duckdb

        frame = duckdb.connect().from_df(df)
    elif engine == "pyarrow":
        import pyarrow as pa

        frame = pa.Table.from_pandas(df, preserve_index=False)
    elif engine == "dask":
        import dask.dataframe as dd

        frame = dd.from_pandas(df, npartitions=3)
    elif engine == "spark":
        frame = spark_frame(df)
    out = compile_rules(rs, backend=engine).apply(nw.from_native(frame))
    if hasattr(out, "collect"):
        out = out.collect()
    got = out.to_pandas() if hasattr(out, "to_pandas") else out.to_native()
    return got.set_index("customer_id").reindex(df["customer_id"])
