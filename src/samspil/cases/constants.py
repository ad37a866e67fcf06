"""Codes of the cases app that are not part of the workflow definitions."""

from __future__ import annotations

from samspil.cases.workflows import CASE_TYPES, SYSTEM_ROLE

# The prefix of the references Samspil gives the cases it opens: "UKN-2025-000123".
CASE_REF_PREFIXES: dict[str, str] = {
    "ukn_screening": "UKN",
    "victim_followup": "TRY",
    "victim_support_referral": "OFR",
    "officer_request": "BEB",
    "restraining_order_request": "TIL",
    "area_ban": "OPH",
    "conflict_mediation": "KON",
    "exit_programme": "EXIT",
    "release_coordination": "KSP",
    "social_report": "SOC",
    "psp_discussion": "PSP",
    "concern_conversation": "BEK",
}
assert set(CASE_REF_PREFIXES) == set(CASE_TYPES)

# Roles that take at least one step of some case type: they see the case pages and queues.
CASE_ROLES: frozenset[str] = frozenset(
    role
    for definition in CASE_TYPES.values()
    for transition in definition.transitions
    for role in transition.allowed_roles
    if role != SYSTEM_ROLE
)

QUEUES: tuple[str, ...] = ("mine", "due_soon", "overdue", "unassigned", "all")
# "Due soon" is the UKN screening's first warning: seven calendar days or fewer left.
DUE_SOON_DAYS = 7
MAX_PAGE_SIZE = 100
MAX_BULK_ASSIGN = 500
