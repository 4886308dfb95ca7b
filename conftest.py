"""Collection settings for the whole tree (tests, doctests of src/ and docs/)."""

from __future__ import annotations

import importlib.util
import math
import os

import hypothesis
from hypothesis import HealthCheck, settings

# Hypothesis profiles for every test and doctest (``ci`` when CI is set): no
# deadline, since a loaded machine makes any example slow now and then (the
# doctests of docs/testing.md failed as "flaky" under load with the default
# 200 ms deadline when run alone, outside tests/).
# On a slow machine CI (.ci/run) sets CUSTSEG_EXAMPLES to the fraction of
# each property test's examples to draw (its own max_examples or the
# profile's), so the whole run stays under 30 minutes: the machine of 5
# December 2026 ran the suite 2.8x slower than that of 2 December (45
# minutes for pytest alone at every example). At least CUSTSEG_MIN_EXAMPLES
# a test (default 3).
_FRACTION = float(os.environ.get("CUSTSEG_EXAMPLES") or 1)
_MIN = int(os.environ.get("CUSTSEG_MIN_EXAMPLES") or 3)
if _FRACTION < 1:
    _init = settings.__init__

    def _fewer(self: settings, *args: object, **kwargs: object) -> None:
        n = kwargs.get("max_examples")
        if isinstance(n, int) and not isinstance(n, bool):
            kwargs["max_examples"] = min(n, max(_MIN, math.ceil(n * _FRACTION)))
        _init(self, *args, **kwargs)  # type: ignore[arg-type]

    settings.__init__ = _fewer  # type: ignore[method-assign]

    def _unscaled(**kwargs: object) -> settings:
        """Settings with the examples asked for: a search that must find
        what a strategy can draw (``find``) keeps its whole budget."""
        made = settings.__new__(settings)
        _init(made, **kwargs)  # type: ignore[arg-type]
        return made

    # (the settings class takes no new attribute: on the module)
    hypothesis.custseg_unscaled = _unscaled  # type: ignore[attr-defined]

settings.register_profile("dev", max_examples=100, deadline=None)
# ``ci`` draws as many examples as ``dev`` (it drew 200): the whole CI run must
# stay under 30 minutes on a bare 2-core machine. On the machine of 2 December
# 2026 (about 3x slower than the one the benchmarks were measured on) pytest
# took 31 minutes in one process at 100 examples and 16 in two (pytest-xdist,
# ``-n auto`` in pyproject.toml). Tests that set their own max_examples keep it.
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

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
