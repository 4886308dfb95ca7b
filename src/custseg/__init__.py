"""custseg: customer segmentation as pure, vectorised functions.

Transactions become facts per customer (:func:`summarize`), facts become
labels (:func:`rfm_scores`, :func:`abc_classes`, :func:`lifecycle_stage`),
and every threshold is a frozen, validated value you can print and reuse.
:func:`segment` does it all in one call on a DataFrame.

The submodules ``custseg.rules``, ``custseg.frame``, ``custseg.datasets`` and
``custseg.cli`` are imported on first use (``import custseg`` then
``custseg.rules.load(...)`` works), so ``import custseg`` stays light.
"""

import importlib
from typing import Any

from .btyd import (
    BtydCalibrationHoldout,
    BtydSummary,
    btyd_calibration_holdout,
    btyd_summary,
)
from .errors import (
    CustsegError,
    CustsegWarning,
    Diagnostic,
    InputError,
    RulesError,
    ThresholdError,
)
from .labels import Labels
from .lifecycle import LifecycleWindows, lifecycle_stage
from .pareto import (
    AbcCutoffs,
    AbcEdges,
    ParetoSummary,
    abc_classes,
    abc_edges,
    lorenz_curve,
    pareto_summary,
)
from .rfm import (
    RfmEdges,
    RfmScores,
    ScoreEdges,
    quantile_edges,
    rfm_edges,
    rfm_scores,
    score,
)
from .summary import CustomerFacts, summarize

__version__ = "0.1.0.dev0"

_SUBMODULES = ("cli", "datasets", "frame", "rules")
_FROM_FRAME = ("SegmentResult", "segment")


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _FROM_FRAME:
        return getattr(importlib.import_module(".frame", __name__), name)
    raise AttributeError(f"module 'custseg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES, *_FROM_FRAME})


__all__ = [
    "AbcCutoffs",
    "AbcEdges",
    "BtydCalibrationHoldout",
    "BtydSummary",
    "CustomerFacts",
    "CustsegError",
    "CustsegWarning",
    "Diagnostic",
    "InputError",
    "Labels",
    "LifecycleWindows",
    "ParetoSummary",
    "RfmEdges",
    "RfmScores",
    "RulesError",
    "ScoreEdges",
    "SegmentResult",
    "ThresholdError",
    "abc_classes",
    "abc_edges",
    "btyd_calibration_holdout",
    "btyd_summary",
    "lifecycle_stage",
    "lorenz_curve",
    "pareto_summary",
    "quantile_edges",
    "rfm_edges",
    "rfm_scores",
    "score",
    "segment",
    "summarize",
]
