"""Konfliktråd (mediator, closing with an agreement), exit programmes and KSP releases (plan
items with an owner and a status), and the social report (its incidents, sending, receipt)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from samspil.access.constants import Purpose
from samspil.access.policy import readable
from samspil.accounts.models import User
from samspil.audit.constants import Action
from samspil.audit.services import audit_record, changes_between, snapshot
from samspil.cases.models import Case, ParticipantRole
from samspil.cases.services import (
    CaseError,
    CaseRefused,
    _add_organisation_participant,
    _grant_access,
    case_transition,
    owner_ids_by_municipality,
)
from samspil.cases.types.common import clean_text, locked, require_type, require_worker
from samspil.cases.types.models import (
    CaseIncidentLink,
    CasePlanItem,
    LinkKind,
    PlanItemKind,
    PlanItemStatus,
)
from samspil.cases.workflows import EXIT_PLAN_ELEMENTS
from samspil.organisations.models import Municipality, Organisation

WORKERS = frozenset({"prevention_officer", "caseworker"})
_PLAN_FIELDS = ("case_id", "kind", "element", "title", "owner_id", "status")


# --- Konfliktråd ---------------------------------------------------------------------------------


def mediators_for(case: Case) -> QuerySet[User]:
    """Active mediators of mediation organisations in the case's district (for the select)."""
    return (
        User.objects.filter(
            is_active=True, roles__role="mediator", organisation__kind="mediation",
            organisation__district_id=case.municipality.district_id,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@transaction.atomic
def mediation_assign_mediator(*, actor: Any, case: Case, mediator: User, note: str = "") -> Case:
    require_type(case, "conflict_mediation")
    current = locked(case)
    require_worker(actor, current, {"caseworker"})
    if mediator is None or not mediators_for(current).filter(pk=mediator.pk).exists():
        raise CaseError(_("Choose a mediator of a mediation organisation in the district."),
                        field="mediator")
    organisation_id = mediator.organisation_id
    if organisation_id is not None and organisation_id != current.owner_organisation_id:
        _add_organisation_participant(current, organisation_id, ParticipantRole.PARTICIPANT)
        _grant_access(current, {organisation_id})
    return case_transition(actor=actor, case=current, action="assign_mediator",
                           fields={"mediator": mediator.username}, note=note)


@transaction.atomic
def mediation_close(*, actor: Any, case: Case, agreement: str = "", note: str = "") -> Case:
    """Close a held mediation as mediated, with the written agreement if there is one."""
    require_type(case, "conflict_mediation")
    text = clean_text(agreement, limit=4000, label=_("Written agreement"), field="agreement")
    fields = {"agreement": text} if text else {}
    return case_transition(actor=actor, case=case, action="close_mediated", outcome="mediated",
                           fields=fields, note=note)


# --- Plans: exit programme elements and release steps ----------------------------------------


def _check_owner(current: Case, owner: Organisation | None) -> Organisation:
    if owner is None or owner.district_id != current.municipality.district_id:
        raise CaseError(_("Choose a responsible organisation in the district."), field="owner")
    return owner


def plan_owner_choices(case: Case) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        district_id=case.municipality.district_id
    ).order_by("name")


@transaction.atomic
def plan_item_add(
    *, actor: Any, case: Case, owner: Organisation, element: str = "", title: str = "",
    status: str = PlanItemStatus.PLANNED,
) -> CasePlanItem:
    """Add an exit plan element (by code) or a release plan step (by title)."""
    require_type(case, "exit_programme", "release_coordination")
    current = locked(case)
    require_worker(actor, current, WORKERS)
    if current.is_closed:
        raise CaseError(_("The case is closed."), code="closed")
    if status not in PlanItemStatus.values:
        raise CaseError(_("Choose a status."), field="status")
    _check_owner(current, owner)
    if current.case_type == "exit_programme":
        if current.state == "consent":
            raise CaseError(_("Record the consent to share before planning."),
                            code="consent_first")
        if element not in EXIT_PLAN_ELEMENTS:
            raise CaseError(_("Choose a plan element."), field="element")
        if CasePlanItem.objects.filter(case=current, element=element).exists():
            raise CaseError(_("The plan already has this element."), field="element")
        item = CasePlanItem(case=current, kind=PlanItemKind.EXIT_ELEMENT, element=element,
                            owner=owner, status=status)
    else:
        text = clean_text(title, limit=200, label=_("Step"), required=True, field="title")
        item = CasePlanItem(case=current, kind=PlanItemKind.RELEASE_STEP, title=text,
                            owner=owner, status=status)
    item.save()
    audit_record(actor=actor, action=Action.CREATE, obj=item, purpose=Purpose.CASEWORK,
                 changes=changes_between(None, snapshot(item, _PLAN_FIELDS)))
    return item


@transaction.atomic
def plan_item_status_set(*, actor: Any, item: CasePlanItem, status: str) -> CasePlanItem:
    current = locked(item.case)
    require_worker(actor, current, WORKERS)
    if status not in PlanItemStatus.values:
        raise CaseError(_("Choose a status."), field="status")
    row = CasePlanItem.objects.select_for_update().get(pk=item.pk, case=current)
    before = snapshot(row, _PLAN_FIELDS)
    row.status = status
    row.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=Action.UPDATE, obj=row, purpose=Purpose.CASEWORK,
                 changes=changes_between(before, snapshot(row, _PLAN_FIELDS)))
    return row


def exit_programme_start(*, actor: Any, case: Case, note: str = "") -> Case:
    """Start the programme with the plan's elements (the engine requires at least one)."""
    require_type(case, "exit_programme")
    elements = list(
        CasePlanItem.objects.filter(case=case, kind=PlanItemKind.EXIT_ELEMENT)
        .values_list("element", flat=True)
    )
    return case_transition(actor=actor, case=case, action="start",
                           fields={"plan_elements": elements}, note=note)


# --- Social report ------------------------------------------------------------------------------

REPORTERS = frozenset({"socialsoeg_reviewer", "prevention_officer"})


@transaction.atomic
def social_report_link_incidents(
    *, actor: Any, case: Case, incidents: Iterable[Any]
) -> list[CaseIncidentLink]:
    """Link the incidents behind a draft report (each must be readable by the actor)."""
    from samspil.incidents.models import Incident

    require_type(case, "social_report")
    current = locked(case)
    require_worker(actor, current, REPORTERS)
    if current.state != "drafted":
        raise CaseError(_("Incidents can be linked only to a draft report."), code="not_draft")
    ids = {incident.pk for incident in incidents}
    visible = set(readable(actor, Incident.objects.filter(pk__in=ids), purpose=Purpose.CASEWORK)
                  .values_list("pk", flat=True))
    if ids - visible:
        raise CaseRefused(_("You do not have access to this incident."))
    links = []
    for pk in sorted(ids):
        link, created = CaseIncidentLink.objects.get_or_create(
            case=current, incident_id=pk, defaults={"kind": LinkKind.BASIS}
        )
        if created:
            audit_record(actor=actor, action=Action.CREATE, obj=link, purpose=Purpose.CASEWORK,
                         changes=changes_between(None, snapshot(link, ("case_id", "incident_id",
                                                                       "kind"))))
        links.append(link)
    return links


@transaction.atomic
def social_report_send(
    *, actor: Any, case: Case, recipient: Municipality, note: str = ""
) -> Case:
    """Send the report to the addressed municipality, which then holds it and may read it."""
    require_type(case, "social_report")
    current = locked(case)
    require_worker(actor, current, REPORTERS)
    if recipient is None or recipient.district_id != current.municipality.district_id:
        raise CaseError(_("Choose a municipality in the district."),
                        field="recipient_municipality_code")
    organisation_id = owner_ids_by_municipality("municipality", [recipient.pk]).get(recipient.pk)
    if organisation_id is None:
        raise CaseError(_("The municipality has no organisation in Samspil."),
                        field="recipient_municipality_code")
    _add_organisation_participant(current, organisation_id, ParticipantRole.RECIPIENT)
    _grant_access(current, {organisation_id})
    return case_transition(actor=actor, case=current, action="send", outcome="sent",
                           fields={"recipient_municipality_code": recipient.code}, note=note)


def social_report_acknowledge(*, actor: Any, case: Case) -> Case:
    """The addressed municipality's caseworker acknowledges receipt; nobody else may."""
    require_type(case, "social_report")
    organisation = getattr(actor, "organisation", None)
    code = case.fields.get("recipient_municipality_code")
    if (
        organisation is None
        or organisation.kind != "municipality"
        or organisation.municipality is None
        or organisation.municipality.code != code
    ):
        raise CaseRefused(_("Only the addressed municipality can acknowledge receipt."))
    return case_transition(actor=actor, case=case, action="acknowledge")
