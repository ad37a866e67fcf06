"""Automatic rules that run when incidents are registered — by hand, through the API or by import.

Higher apps (cases) register their rules here at start-up, so this lower layer never imports them.
A rule runs inside the registering transaction: an incident and the cases it starts commit
together or not at all. Rules must be idempotent (one case per person, incident and type), which
is also what keeps an imported cases.csv from being duplicated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

IncidentRule = Callable[..., None]
_RULES: list[IncidentRule] = []


def register_incident_rule(rule: IncidentRule) -> IncidentRule:
    """Register `rule(*, incident_ids: Sequence[int], actor: User | None)`; usable as decorator."""
    if rule not in _RULES:
        _RULES.append(rule)
    return rule


def run_incident_rules(*, incident_ids: Sequence[int], actor: Any | None) -> None:
    if not incident_ids:
        return
    for rule in list(_RULES):
        rule(incident_ids=incident_ids, actor=actor)
