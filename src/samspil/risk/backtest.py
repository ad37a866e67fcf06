"""Backtesting: run rule sets as of any past date and compare them, writing no hits.

``compare`` is pure; ``backtest_run`` loads the district's data once, screens it with both rule
sets and audits the read (one entry: it shows families as person keys).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from samspil.access.constants import Purpose
from samspil.audit.constants import Action
from samspil.audit.services import audit_record
from samspil.organisations.models import District
from samspil.risk import loading
from samspil.risk.constants import BACKTEST_ROLES
from samspil.risk.engine import FamilyHit, FamilyKey, materialise, screen_frames
from samspil.risk.models import RuleSetVersion
from samspil.risk.rules import RuleSet


@dataclass(frozen=True)
class Comparison:
    """Families flagged by A and B: gained (B only), lost (A only), changed (both, differently)."""

    as_of: date
    rule_set_a: str
    rule_set_b: str
    hits_a: tuple[FamilyHit, ...]
    hits_b: tuple[FamilyHit, ...]
    gained: tuple[FamilyHit, ...]
    lost: tuple[FamilyHit, ...]
    changed: tuple[tuple[FamilyHit, FamilyHit], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "rule_set": self.rule_set_a,
            "compare": self.rule_set_b,
            "hits": {self.rule_set_a: len(self.hits_a), self.rule_set_b: len(self.hits_b)},
            "gained": [h.to_cli_dict() for h in self.gained],
            "lost": [h.to_cli_dict() for h in self.lost],
            "changed": [
                {"caregivers": list(b.caregiver_keys), "children": list(b.child_keys),
                 "before": {"score": a.score, "clause": a.clause},
                 "after": {"score": b.score, "clause": b.clause}}
                for a, b in self.changed
            ],
        }


def compare(
    as_of: date, rule_set_a: str, hits_a: Iterable[FamilyHit], rule_set_b: str,
    hits_b: Iterable[FamilyHit],
) -> Comparison:
    a = {h.family_key: h for h in hits_a}
    b = {h.family_key: h for h in hits_b}

    def ordered(keys: Iterable[FamilyKey], source: dict[FamilyKey, FamilyHit]) -> tuple[FamilyHit, ...]:
        return tuple(sorted((source[k] for k in keys), key=lambda h: (h.caregiver_keys, h.child_keys)))

    changed = tuple(
        (a[k], b[k])
        for k in sorted(a.keys() & b.keys(), key=lambda k: b[k].caregiver_keys)
        if (a[k].score, a[k].clause, a[k].child_ids, a[k].incident_ids)
        != (b[k].score, b[k].clause, b[k].child_ids, b[k].incident_ids)
    )
    return Comparison(
        as_of=as_of, rule_set_a=rule_set_a, rule_set_b=rule_set_b,
        hits_a=ordered(a, a), hits_b=ordered(b, b),
        gained=ordered(b.keys() - a.keys(), b), lost=ordered(a.keys() - b.keys(), a),
        changed=changed,
    )


def _union_frames(district: District, rule_sets: list[RuleSet], as_of: date) -> list[loading.Frames]:
    # Each rule set may count other roles, relations or a longer window: load per rule set, but
    # reuse the load when two rule sets ask for the same rows.
    frames: dict[tuple[Any, ...], loading.Frames] = {}
    result = []
    for rule_set in rule_sets:
        key = (tuple(loading.role_pool(rule_set)), tuple(sorted(rule_set.caregiver_relations)),
               rule_set.window_days)
        if key not in frames:
            frames[key] = loading.district_frames(district_id=district.pk, rule_set=rule_set,
                                                  as_of=as_of)
        result.append(frames[key])
    return result


@transaction.atomic
def backtest_run(
    *, actor: Any | None, district: District, as_of: date, version_a: RuleSetVersion,
    version_b: RuleSetVersion,
) -> Comparison:
    """Screen ``district`` as of ``as_of`` with two versions; nothing but the audit entry is
    written. ``actor`` None = the command line."""
    if actor is not None:
        if getattr(actor, "organisation_id", None) is None or not actor.role_codes & BACKTEST_ROLES:
            raise PermissionDenied(_("Your role does not allow backtesting the rules."))
        if actor.organisation.district_id != district.pk:
            raise PermissionDenied(_("You can screen only your own police district."))
    for version in (version_a, version_b):
        if version.district_id not in (None, district.pk):
            raise PermissionDenied(_("This rule set belongs to another district."))
    rule_sets = [version_a.rule_set, version_b.rule_set]
    hits = []
    for rule_set, frames in zip(rule_sets, _union_frames(district, rule_sets, as_of), strict=True):
        hits.append(
            materialise(rule_set, as_of, screen_frames(rule_set, as_of, **frames.as_kwargs()))
        )
    result = compare(as_of, version_a.version, hits[0], version_b.version, hits[1])
    audit_record(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_username="" if actor is not None else "socialsoeg-backtest",
        action=Action.READ, object_type="risk.backtest", object_id=district.slug,
        purpose=Purpose.STATISTICS if actor is not None and not actor.has_role("socialsoeg_reviewer")
        else Purpose.SCREENING,
        reason=f"backtest {as_of.isoformat()} {version_a.version} vs {version_b.version}",
        changes={"hits_a": len(result.hits_a), "hits_b": len(result.hits_b),
                 "gained": len(result.gained), "lost": len(result.lost),
                 "changed": len(result.changed)},
    )
    return result
