"""Reads of Socialsøg hits, scoped by the access policy and logged (purpose "screening").

Only the Socialsøg reviewer reads hits; a refusal is logged before it is raised. The persons and
incidents a hit names are read through the policy too: the page shows only what the reviewer's
organisation may read, and every person and incident shown is logged as read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from samspil.access.constants import Purpose
from samspil.access.policy import AccessDenied, log_reads, read_one, readable
from samspil.audit.constants import Action
from samspil.audit.services import audit_record
from samspil.incidents.constants import InvolvementRole
from samspil.incidents.models import Incident, IncidentCategory
from samspil.persons.models import Person
from samspil.persons.selectors import age_on
from samspil.risk.concern import NamedChild, concern_draft
from samspil.risk.constants import BACKTEST_ROLES, REVIEW_ROLES, HitStatus
from samspil.risk.models import Hit, RuleSetVersion, ScreeningRun

PAGE_SIZE = 25


def _refuse(user: Any, what: str, message: str) -> None:
    audit_record(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=Action.READ_DENIED, object_type=what, purpose=Purpose.SCREENING, reason="risk",
    )
    raise AccessDenied(message)


def require_reviewer(user: Any) -> None:
    """Pages and endpoints of Socialsøg check this first, so that a refusal is logged."""
    if getattr(user, "organisation_id", None) is None or not (
        frozenset(getattr(user, "role_codes", ())) & REVIEW_ROLES
    ):
        _refuse(user, "risk.hit", _("Only a Socialsøg reviewer may see the screening."))


def require_backtester(user: Any) -> None:
    if getattr(user, "organisation_id", None) is None or not (
        frozenset(getattr(user, "role_codes", ())) & BACKTEST_ROLES
    ):
        _refuse(user, "risk.rulesetversion", _("Your role does not allow backtesting the rules."))


def _hits() -> QuerySet[Hit]:
    return Hit.objects.select_related("rule_set_version", "decided_by", "social_report_case")


def hit_queue(*, user: Any, page: Any = 1, status: str = HitStatus.OPEN) -> Page[Hit]:
    """Hits of the reviewer's organisation, newest first; the page's hits are logged as read."""
    require_reviewer(user)
    hits = readable(user, _hits().filter(status=status), purpose=Purpose.SCREENING).order_by(
        "-created_at", "-id"
    )
    result = Paginator(hits, PAGE_SIZE).get_page(page)
    log_reads(user, list(result.object_list), purpose=Purpose.SCREENING)
    return result


def hit_get(*, user: Any, pk: Any) -> Hit:
    require_reviewer(user)
    return read_one(user, _hits(), pk=pk, purpose=Purpose.SCREENING)


def hit_to_decide(*, user: Any, pk: Any) -> Hit:
    """A hit the user's organisation may decide: its own. A disclosure lets another organisation
    read a hit, never dismiss it or send its social report."""
    hit = hit_get(user=user, pk=pk)
    if hit.owner_organisation_id != user.organisation_id:
        _refuse(user, "risk.hit", _("Only the police that screened the family can decide the hit."))
    return hit


@dataclass(frozen=True)
class RoleLine:
    person_id: int
    name: str
    role: str
    label: str
    visible: bool


@dataclass(frozen=True)
class IncidentLine:
    incident_id: int
    journal_no: str
    occurred_on: date
    category: str
    weight: int
    serious: bool
    roles: tuple[RoleLine, ...]
    children_present: tuple[RoleLine, ...]
    visible: bool


@dataclass(frozen=True)
class PersonLine:
    person_id: int
    name: str
    age: int | None
    municipality: str
    visible: bool


@dataclass(frozen=True)
class HitView:
    hit: Hit
    incidents: tuple[IncidentLine, ...]
    caregivers: tuple[PersonLine, ...]
    children: tuple[PersonLine, ...]
    concern_draft: str
    window_days: int
    serious_weight: int
    clause_b_min_incidents: int
    clause_b_min_score: int


def hit_view(*, user: Any, hit: Hit) -> HitView:
    """Why the hit was raised, in the terms the reviewer may see: every person and incident is
    read through the policy (and logged); one the reviewer may not read is shown by key only."""
    data = hit.explanation
    person_ids = [*data.get("caregiver_ids", []), *data.get("child_ids", [])]
    persons = {
        p.pk: p
        for p in readable(
            user, Person.objects.filter(pk__in=person_ids).select_related("municipality"),
            purpose=Purpose.SCREENING,
        )
    }
    incident_ids = data.get("incident_ids", [])
    incidents = {
        i.pk: i for i in readable(user, Incident.objects.filter(pk__in=incident_ids),
                                  purpose=Purpose.SCREENING)
    }
    log_reads(user, [*persons.values(), *incidents.values()], purpose=Purpose.SCREENING)
    labels = {c.code: c.label for c in IncidentCategory.objects.all()}
    keys = {}
    for item in data.get("explanation", []):
        for role in [*item.get("involvements", []), *item.get("children_present", [])]:
            keys[role["person_id"]] = role["person_key"]
    for pid, key in zip(data.get("caregiver_ids", []), data.get("caregivers", []), strict=False):
        keys.setdefault(pid, key)
    for pid, key in zip(data.get("child_ids", []), data.get("children", []), strict=False):
        keys.setdefault(pid, key)

    def name(pid: int) -> str:
        person = persons.get(pid)
        return (person.full_name or person.person_key) if person else keys.get(pid, str(pid))

    def line(pid: int) -> PersonLine:
        person = persons.get(pid)
        return PersonLine(
            person_id=pid, name=name(pid),
            age=age_on(person.birth_date, hit.as_of) if person else None,
            municipality=person.municipality.name if person else "",
            visible=person is not None,
        )

    def role_line(role: dict[str, Any]) -> RoleLine:
        pid = int(role["person_id"])
        return RoleLine(pid, name(pid), role["role"], str(InvolvementRole(role["role"]).label),
                        pid in persons)

    lines = tuple(
        IncidentLine(
            incident_id=item["incident_id"], journal_no=item["journal_no"],
            occurred_on=date.fromisoformat(item["occurred_on"]),
            category=labels.get(item["category"], item["category"]), weight=item["weight"],
            serious=item["serious"],
            roles=tuple(role_line(r) for r in item.get("involvements", [])),
            children_present=tuple(role_line(r) for r in item.get("children_present", [])),
            visible=item["incident_id"] in incidents,
        )
        for item in data.get("explanation", [])
    )
    children = tuple(line(pid) for pid in data.get("child_ids", []))
    rules = hit.rule_set_version.rule_set
    draft = concern_draft(
        data,
        category_labels={c.code: c.label_da for c in IncidentCategory.objects.all()},
        names={pid: name(pid) for pid in keys},
        children=[NamedChild(c.name, c.age) for c in children],
        window_days=rules.window_days,
    )
    return HitView(
        hit=hit, incidents=lines,
        caregivers=tuple(line(pid) for pid in data.get("caregiver_ids", [])),
        children=children, concern_draft=draft, window_days=rules.window_days,
        serious_weight=rules.serious_weight,
        clause_b_min_incidents=rules.clause_b_min_incidents,
        clause_b_min_score=rules.clause_b_min_score,
    )


def rule_set_versions(*, user: Any) -> QuerySet[RuleSetVersion]:
    """The national versions and the user's district's own."""
    require_backtester(user)
    from django.db.models import Q

    return RuleSetVersion.objects.filter(
        Q(district__isnull=True) | Q(district_id=user.organisation.district_id)
    ).select_related("created_by", "district")


def rule_set_version_get(*, user: Any, pk: Any) -> RuleSetVersion:
    version = rule_set_versions(user=user).filter(pk=pk).first()
    if version is None:
        _refuse(user, "risk.rulesetversion", _("You do not have access to this rule set."))
    assert version is not None
    return version


def recent_runs(*, user: Any, limit: int = 5) -> list[ScreeningRun]:
    require_reviewer(user)
    return list(
        ScreeningRun.objects.filter(district_id=user.organisation.district_id)
        .select_related("rule_set_version")[:limit]
    )
