"""custseg: customer segmentation as pure, vectorised functions.

Transactions become facts per customer (:func:`summarize`), facts become
labels (:func:`rfm_scores`, :func:`abc_classes`, :func:`lifecycle_stage`),
and every threshold is a frozen, validated value you can print and reuse.
"""

from .btyd import BtydSummary, btyd_summary
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

__all__ = [
    "AbcCutoffs",
    "AbcEdges",
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
    "ThresholdError",
    "abc_classes",
    "abc_edges",
    "btyd_summary",
    "lifecycle_stage",
    "lorenz_curve",
    "pareto_summary",
    "quantile_edges",
    "rfm_edges",
    "rfm_scores",
    "score",
    "summarize",
]
