"""custseg: customer segmentation as pure, vectorised functions.

Transactions become facts per customer (:func:`summarize`), facts and
customer records become labels (:func:`rfm_scores`, :func:`abc_classes`,
:func:`lifecycle_stage`, :func:`customer_status`, :func:`loyalty_level`,
:func:`relationship_type`, :func:`value_tier`, ...), and every threshold is a
frozen, validated value you can print and reuse. The operations work on the
labels: :func:`segment_summary`, :func:`transition_matrix`,
:func:`assign_owners`, :func:`profile_completeness`, tag groups and
playbooks (:func:`due_contacts`).
:func:`segment` does it all in one call on a DataFrame.

The submodules ``custseg.rules``, ``custseg.frame``, ``custseg.datasets`` and
``custseg.cli`` are imported on first use (``import custseg`` then
``custseg.rules.load(...)`` works), so ``import custseg`` stays light.
"""

import importlib
from typing import TYPE_CHECKING, Any

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
from .groups import (
    GroupOverlaps,
    GroupSummary,
    LifeStageWindows,
    TagMatrix,
    combine_tags,
    group_overlaps,
    group_sizes,
    group_summary,
    life_stage_tags,
    tags_from_values,
)
from .labels import Labels
from .lifecycle import (
    CarePhases,
    LifecycleWindows,
    NeedsThresholds,
    StatusThresholds,
    StoreClasses,
    VisitTiers,
    care_phase,
    customer_status,
    lifecycle_stage,
    needs_status,
    store_visit_class,
    visit_tier,
)
from .loyalty import (
    BehaviourBands,
    DickBasuThresholds,
    LoyaltyThresholds,
    NpsResult,
    behavioural_loyalty,
    dick_basu,
    loyalty_level,
    nps,
    nps_band,
    repurchase_band,
    repurchase_from_behaviour,
)
from .migration import (
    SegmentHistory,
    TransitionMatrix,
    segment_history,
    transition_matrix,
)
from .orders import Orders, line_amounts, orders_from_lines
from .ownership import (
    Assignment,
    assign_owners,
    neglected,
    reassign_neglected,
)
from .pareto import (
    AbcCutoffs,
    AbcEdges,
    ParetoSummary,
    abc_classes,
    abc_edges,
    lorenz_curve,
    pareto_summary,
)
from .playbook import (
    Action,
    ActionPlan,
    DueContacts,
    Playbook,
    actions,
    default_playbook,
    due_contacts,
)
from .profile import (
    ProfileCompleteness,
    ProfileSchema,
    profile_completeness,
)
from .relationship import (
    ContactSummary,
    RelationshipMatrix,
    RelationshipThresholds,
    contact_summary,
    recommended_relationship,
    relationship_gap,
    relationship_type,
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
from .segments import (
    segment_summary,
)
from .summary import CustomerFacts, summarize
from .value import (
    ValueTierThresholds,
    conversion_readiness,
    fit_value_tiers,
    value_tier,
)

__version__ = "0.1.0.dev0"

if TYPE_CHECKING:  # imported on first use at run time (__getattr__ below)
    from . import cli as cli
    from . import datasets as datasets
    from . import engines as engines
    from . import frame as frame
    from . import plot as plot
    from . import reporting as reporting
    from . import rules as rules
    from .frame import SegmentResult as SegmentResult
    from .frame import segment as segment
    from .reporting import Report as Report
    from .reporting import report as report

_SUBMODULES = ("cli", "datasets", "engines", "frame", "plot", "reporting", "rules")
_FROM_FRAME = ("SegmentResult", "segment")
_FROM_REPORTING = ("Report", "report")


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _FROM_FRAME:
        return getattr(importlib.import_module(".frame", __name__), name)
    if name in _FROM_REPORTING:
        return getattr(importlib.import_module(".reporting", __name__), name)
    raise AttributeError(f"module 'custseg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES, *_FROM_FRAME, *_FROM_REPORTING})


__all__ = [
    "AbcCutoffs",
    "AbcEdges",
    "Action",
    "ActionPlan",
    "Assignment",
    "BehaviourBands",
    "BtydCalibrationHoldout",
    "BtydSummary",
    "CarePhases",
    "ContactSummary",
    "CustomerFacts",
    "CustsegError",
    "CustsegWarning",
    "Diagnostic",
    "DickBasuThresholds",
    "DueContacts",
    "GroupOverlaps",
    "GroupSummary",
    "InputError",
    "Labels",
    "LifeStageWindows",
    "LifecycleWindows",
    "LoyaltyThresholds",
    "NeedsThresholds",
    "NpsResult",
    "Orders",
    "ParetoSummary",
    "Playbook",
    "ProfileCompleteness",
    "ProfileSchema",
    "RelationshipMatrix",
    "RelationshipThresholds",
    "Report",
    "RfmEdges",
    "RfmScores",
    "RulesError",
    "ScoreEdges",
    "SegmentHistory",
    "SegmentResult",
    "StatusThresholds",
    "StoreClasses",
    "TagMatrix",
    "ThresholdError",
    "TransitionMatrix",
    "ValueTierThresholds",
    "VisitTiers",
    "abc_classes",
    "abc_edges",
    "actions",
    "assign_owners",
    "behavioural_loyalty",
    "btyd_calibration_holdout",
    "btyd_summary",
    "care_phase",
    "combine_tags",
    "contact_summary",
    "conversion_readiness",
    "customer_status",
    "default_playbook",
    "dick_basu",
    "due_contacts",
    "fit_value_tiers",
    "group_overlaps",
    "group_sizes",
    "group_summary",
    "life_stage_tags",
    "lifecycle_stage",
    "line_amounts",
    "lorenz_curve",
    "loyalty_level",
    "needs_status",
    "neglected",
    "nps",
    "nps_band",
    "orders_from_lines",
    "pareto_summary",
    "profile_completeness",
    "quantile_edges",
    "reassign_neglected",
    "recommended_relationship",
    "relationship_gap",
    "relationship_type",
    "report",
    "repurchase_band",
    "repurchase_from_behaviour",
    "rfm_edges",
    "rfm_scores",
    "score",
    "segment",
    "segment_history",
    "segment_summary",
    "store_visit_class",
    "summarize",
    "tags_from_values",
    "transition_matrix",
    "value_tier",
    "visit_tier",
]
