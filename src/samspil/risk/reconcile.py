"""What a screening result means for the hits already stored: create, update, reopen or leave.

Pure logic; the service layer applies the decisions in one transaction and audits them.

Decisions taken here:

* **Family identity is the sorted tuple of caregiver ids** (``FamilyHit.family_key``). The adults
  whose behaviour triggers the hit are what a social worker follows up; a newborn or a child
  turning 18 changes the children of the same hit instead of starting a new one. A changed
  caregiver set (a new partner moves in) is a different family and gets its own hit; the old
  hit is left for the reviewer to close.
* **One open hit per family**: an open hit is updated in place when the result differs
  (incidents, children, score, clause or rule set version), and left alone when it is the same,
  so an unchanged weekly run writes nothing.
* **A dismissed hit reopens only when new incidents add weight ≥ reopen_min_new_weight.**
  "New" means not in the hit's incident set, which the caller keeps as it was at dismissal
  (a ``leave`` does not touch it): two weight-1 incidents in different weeks add up and reopen.
* **A reported hit** (a socialrapport was sent) is history and is never reopened; new incidents
  with the same weight threshold start a *new* hit for the family instead, so the report keeps
  the facts it was based on.
* The engine never closes a hit. An open hit whose family no longer meets the rules is left
  (``no_longer_meets_rules``) for the reviewer, because closing is a human decision.
* When a family has several stored hits, the open one governs (two open hits are an error);
  otherwise the newest closed one (highest ``hit_id``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from samspil.risk.engine import FamilyHit, FamilyKey
from samspil.risk.rules import RuleSet


class HitStatus(StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    REPORTED = "reported"


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    REOPEN = "reopen"
    LEAVE = "leave"


class Reason(StrEnum):
    NEW_FAMILY = "new_family"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    NO_LONGER_MEETS_RULES = "no_longer_meets_rules"
    DISMISSED_NEW_WEIGHT = "dismissed_new_weight"
    DISMISSED_NOT_ENOUGH_NEW_WEIGHT = "dismissed_not_enough_new_weight"
    REPORTED_NEW_WEIGHT = "reported_new_weight"
    REPORTED_NOT_ENOUGH_NEW_WEIGHT = "reported_not_enough_new_weight"


@dataclass(frozen=True, slots=True)
class ExistingHit:
    """A stored hit, as much of it as the decision needs."""

    hit_id: int
    family_key: FamilyKey
    status: HitStatus
    incident_ids: frozenset[int]
    child_ids: frozenset[int] = frozenset()
    score: int = 0
    clause: str = ""
    rule_set_version: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    reason: Reason
    family_key: FamilyKey
    hit: FamilyHit | None  # the new screening result; None only when leaving a stale open hit
    existing_hit_id: int | None  # the hit to update/reopen/leave; for a create after a report,
    # the reported hit it follows
    new_incident_ids: tuple[int, ...] = ()  # not in the existing hit: what a reviewer should read
    new_weight: int = 0


def _changed(existing: ExistingHit, hit: FamilyHit) -> bool:
    return (
        existing.incident_ids != frozenset(hit.incident_ids)
        or existing.child_ids != frozenset(hit.child_ids)
        or existing.score != hit.score
        or existing.clause != hit.clause
        or existing.rule_set_version != hit.rule_set_version
    )


def _governing(hits: list[ExistingHit]) -> ExistingHit:
    open_hits = [h for h in hits if h.status == HitStatus.OPEN]
    if len(open_hits) > 1:
        ids = sorted(h.hit_id for h in open_hits)
        raise ValueError(f"family {hits[0].family_key} has several open hits {ids}")
    if open_hits:
        return open_hits[0]
    return max(hits, key=lambda h: h.hit_id)


def reconcile(
    rule_set: RuleSet,
    existing: Iterable[ExistingHit],
    results: Iterable[FamilyHit],
    *,
    screened_families: Collection[FamilyKey] | None = None,
) -> list[Decision]:
    """One decision per family that has a result or an open hit in scope, by family key.

    ``screened_families`` limits the scope for a partial re-screening (the families that
    ``screen_families_touched`` looked at): open hits of other families were not screened and
    get no decision. ``None`` means a full screening.
    """
    stored: dict[FamilyKey, list[ExistingHit]] = defaultdict(list)
    for hit in existing:
        stored[tuple(hit.family_key)].append(hit)
    by_family: dict[FamilyKey, FamilyHit] = {}
    for hit_result in results:
        if hit_result.family_key in by_family:
            raise ValueError(f"two results for family {hit_result.family_key}")
        by_family[hit_result.family_key] = hit_result

    decisions: list[Decision] = []
    for family_key in sorted(set(stored) | set(by_family)):
        result = by_family.get(family_key)
        hits = stored.get(family_key)
        if result is None:
            if hits is None:
                continue
            current = _governing(hits)
            in_scope = screened_families is None or family_key in screened_families
            if current.status == HitStatus.OPEN and in_scope:
                decisions.append(
                    Decision(
                        Action.LEAVE, Reason.NO_LONGER_MEETS_RULES, family_key, None, current.hit_id
                    )
                )
            continue
        if hits is None:
            decisions.append(
                Decision(
                    Action.CREATE,
                    Reason.NEW_FAMILY,
                    family_key,
                    result,
                    None,
                    result.incident_ids,
                    result.score,
                )
            )
            continue
        current = _governing(hits)
        new_ids = tuple(i for i in result.incident_ids if i not in current.incident_ids)
        new_weight = sum(result.weight_of(i) for i in new_ids)
        enough = new_weight >= rule_set.reopen_min_new_weight
        if current.status == HitStatus.OPEN:
            action, reason = (
                (Action.UPDATE, Reason.CHANGED)
                if _changed(current, result)
                else (Action.LEAVE, Reason.UNCHANGED)
            )
        elif current.status == HitStatus.DISMISSED:
            action, reason = (
                (Action.REOPEN, Reason.DISMISSED_NEW_WEIGHT)
                if enough
                else (Action.LEAVE, Reason.DISMISSED_NOT_ENOUGH_NEW_WEIGHT)
            )
        else:
            action, reason = (
                (Action.CREATE, Reason.REPORTED_NEW_WEIGHT)
                if enough
                else (Action.LEAVE, Reason.REPORTED_NOT_ENOUGH_NEW_WEIGHT)
            )
        decisions.append(
            Decision(action, reason, family_key, result, current.hit_id, new_ids, new_weight)
        )
    return decisions
