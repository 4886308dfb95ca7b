"""Test configuration: markers and fixtures (the hypothesis profiles are in
the root ``conftest.py``, so that the doctests of ``docs/`` use them too)."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import warnings

import pytest

# Parquet needs the `parquet` extra; the README's test command installs only
# `test`, so those tests skip there (CI installs every extra and runs them).
HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None
needs_pyarrow = pytest.mark.skipif(not HAS_PYARROW, reason="needs pyarrow (parquet)")


def run_command(argv: list[str]) -> str:
    """A ``custseg`` command run in this process (its errors raised, its
    warnings ignored); what it wrote to stdout. It must succeed."""
    from custseg import cli

    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        args = cli._parser().parse_args(argv)
        assert int(args.func(args)) == 0
    return out.getvalue()
