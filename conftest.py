"""Collection settings for the whole tree (tests, doctests of src/ and docs/)."""

from __future__ import annotations

import importlib.util

# The Arrow fast path's examples need pyarrow (the `parquet` extra); the README's
# test command installs only `test`, so skip those examples when it is missing.
collect_ignore: list[str] = []
if importlib.util.find_spec("pyarrow") is None:
    collect_ignore.append("src/custseg/_factorize.py")

# Other engines (the `polars`, `duckdb`, ... extras): the examples of
# custseg.engines and its pages run on Polars, PyArrow and DuckDB frames.
if any(
    importlib.util.find_spec(m) is None
    for m in ("narwhals", "polars", "pyarrow", "duckdb")
):
    collect_ignore += [
        "src/custseg/engines.py",
        "src/custseg/_engine_rules.py",
        "docs/engines.md",
        "docs/engines-in-engine.md",
    ]
