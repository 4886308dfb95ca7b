"""Test configuration: markers and fixtures (the hypothesis profiles are in
the root ``conftest.py``, so that the doctests of ``docs/`` use them too)."""

from __future__ import annotations

import importlib.util

import pytest

# Parquet needs the `parquet` extra; the README's test command installs only
# `test`, so those tests skip there (CI installs every extra and runs them).
HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None
needs_pyarrow = pytest.mark.skipif(not HAS_PYARROW, reason="needs pyarrow (parquet)")
