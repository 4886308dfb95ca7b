"""Collection settings for the whole tree (tests, doctests of src/ and docs/)."""

from __future__ import annotations

import importlib.util

# The Arrow fast path's examples need pyarrow (the `parquet` extra); the README's
# test command installs only `test`, so skip those examples when it is missing.
collect_ignore: list[str] = []
if importlib.util.find_spec("pyarrow") is None:
    collect_ignore.append("src/custseg/_factorize.py")
