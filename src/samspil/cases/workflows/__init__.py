"""Case workflows as data: the engine (``engine``) and the twelve case types (``definitions``).

A package rather than one module because the declarations alone are several hundred lines; import
from here, not from the submodules.
"""

from __future__ import annotations

from samspil.cases.workflows.definitions import (
    AREA_BAN_DEFAULT_RADIUS_M,
    AREA_BAN_MAX_RADIUS_M,
    CASE_TYPES,
    CRIME_CLASSES,
    EXIT_PLAN_ELEMENTS,
    RESTRAINING_ORDER_KINDS,
    RESTRAINING_ORDER_VARIANTS,
)
from samspil.cases.workflows.engine import (
    CONFIDENTIALITY_LEVELS,
    CORE_FIELDS,
    CREATE,
    NON_ACTING_ROLES,
    ORGANISATION_KINDS,
    OWNER_KINDS,
    ROLE_CODES,
    SYSTEM_ROLE,
    CaseTypeDefinition,
    Confidentiality,
    Label,
    OwnerKind,
    State,
    Transition,
    TransitionError,
    allowed_actions,
    check_transition,
    is_blank,
    reachable_states,
)

__all__ = [
    "AREA_BAN_DEFAULT_RADIUS_M",
    "AREA_BAN_MAX_RADIUS_M",
    "CASE_TYPES",
    "CONFIDENTIALITY_LEVELS",
    "CORE_FIELDS",
    "CREATE",
    "CRIME_CLASSES",
    "EXIT_PLAN_ELEMENTS",
    "NON_ACTING_ROLES",
    "ORGANISATION_KINDS",
    "OWNER_KINDS",
    "RESTRAINING_ORDER_KINDS",
    "RESTRAINING_ORDER_VARIANTS",
    "ROLE_CODES",
    "SYSTEM_ROLE",
    "CaseTypeDefinition",
    "Confidentiality",
    "Label",
    "OwnerKind",
    "State",
    "Transition",
    "TransitionError",
    "allowed_actions",
    "check_transition",
    "is_blank",
    "reachable_states",
]
