"""Reads of fora, meetings, concerns, the disclosure ledger and the PSP monitoring list.

- A forum's registry entry (name, rules, members) holds no person data: everyone in the police
  district sees it. Meetings, agendas, minutes and actions are read by the organisations that sit
  in the forum. A refusal is written to the audit trail.
- The de-identified view of a concern is built from whitelisted columns only
  (meetings.deidentify); the identified view goes through the access policy (read_one) and is
  for the home agency and the agencies the identity was disclosed to, while the disclosure lasts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.constants import GrantBasis, LegalBasis, Purpose
from samspil.access.models import Disclosure
from samspil.access.policy import AccessDenied, active_grants, log_reads, read_one, readable
from samspil.access.selectors import (
    disclosure_is_active,
    disclosure_ledger,
    dpo_disclosures,
    require_dpo,
)
from samspil.accounts.constants import Role
from samspil.audit.constants import Action as AuditAction
from samspil.audit.services import audit_record
from samspil.meetings.constants import (
    PSP_MONITORING_MONTHS,
    ActionStatus,
    ComplianceColour,
    MeetingStatus,
)
from samspil.meetings.deidentify import (
    DEIDENTIFIED_FIELDS,
    DeidentifiedSituation,
    situation_from_row,
)
from samspil.meetings.models import Action, AgendaItem, Concern, ConcernRecipient, Forum, Meeting
from samspil.meetings.services import concern_organisation_ids, may_take_part
from samspil.organisations.constants import OrganisationKind
from samspil.organisations.models import Municipality
from samspil.persons.models import Person
from samspil.persons.registry import TimelineEntry


def _refuse(user: Any, *, object_type: str, object_id: Any = "", purpose: str = Purpose.FORUM,
            message: str) -> AccessDenied:
    audit_record(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=AuditAction.READ_DENIED, object_type=object_type, object_id=str(object_id),
        purpose=purpose,
    )
    return AccessDenied(message)


def _district_id(user: Any) -> int | None:
    organisation = getattr(user, "organisation", None)
    return organisation.district_id if organisation is not None else None


# --- Fora ------------------------------------------------------------------------------------

def fora_visible(*, user: Any) -> QuerySet[Forum]:
    """The fora of the user's police district (the registry holds no person data)."""
    district_id = _district_id(user)
    if district_id is None or not getattr(user, "is_authenticated", False):
        raise _refuse(user, object_type="meetings.forum",
                      message=_("You are not signed in to an organisation."))
    return Forum.objects.filter(district_id=district_id).select_related("municipality")


def forum_get(*, user: Any, pk: Any) -> Forum:
    forum = Forum.objects.select_related("district", "municipality").get(pk=pk)
    if forum.district_id != _district_id(user):
        raise _refuse(user, object_type="meetings.forum", object_id=pk,
                      message=_("The forum belongs to another police district."))
    return forum


def fora_taking_part(*, user: Any) -> QuerySet[Forum]:
    """The fora in which the user's organisation sits (and the user may act for it)."""
    fora = fora_visible(user=user).filter(members__organisation_id=user.organisation_id)
    return fora.distinct()


def compliance_colour(*, held: int, planned: int, minimum: int) -> str:
    """Green: held at least the required number. Amber: the planned meetings would reach it.
    Red: even with the planned meetings the forum falls short."""
    if held >= minimum:
        return ComplianceColour.GREEN
    if held + planned >= minimum:
        return ComplianceColour.AMBER
    return ComplianceColour.RED


@dataclass(frozen=True)
class ComplianceRow:
    forum: Forum
    year: int
    held: int
    planned: int
    cancelled: int
    minimum: int
    maximum: int | None
    colour: str

    @property
    def colour_label(self) -> str:
        return str(ComplianceColour(self.colour).label)


def forum_compliance(*, user: Any, year: int, forum: Forum | None = None) -> list[ComplianceRow]:
    """Meetings held against meetings required, per forum of the user's district, in `year`.
    Planned meetings in the past count as neither held nor coming."""
    fora = fora_visible(user=user).filter(is_active=True)
    if forum is not None:
        fora = fora.filter(pk=forum.pk)
    now = timezone.now()
    counts = fora.annotate(
        held=Count("meetings", filter=Q(meetings__starts_at__year=year,
                                        meetings__status=MeetingStatus.HELD)),
        planned=Count("meetings", filter=Q(meetings__starts_at__year=year,
                                           meetings__status=MeetingStatus.PLANNED,
                                           meetings__starts_at__gte=now)),
        cancelled=Count("meetings", filter=Q(meetings__starts_at__year=year,
                                             meetings__status=MeetingStatus.CANCELLED)),
    ).order_by("kind", "name")
    return [
        ComplianceRow(f, year, f.held, f.planned, f.cancelled, f.meetings_min,  # type: ignore[attr-defined]
                      f.meetings_max, compliance_colour(held=f.held,  # type: ignore[attr-defined]
                                                        planned=f.planned,  # type: ignore[attr-defined]
                                                        minimum=f.meetings_min))
        for f in counts
    ]


# --- Meetings --------------------------------------------------------------------------------

def meetings_visible(*, user: Any) -> QuerySet[Meeting]:
    fora = [forum.pk for forum in fora_taking_part(user=user) if may_take_part(user, forum)]
    return Meeting.objects.filter(forum_id__in=fora).select_related("forum")


def meeting_list(*, user: Any, forum: Forum | None = None, when: str = "upcoming"
                 ) -> QuerySet[Meeting]:
    meetings = meetings_visible(user=user)
    if forum is not None:
        meetings = meetings.filter(forum=forum)
    now = timezone.now()
    if when == "past":
        return meetings.filter(starts_at__lt=now).order_by("-starts_at", "-pk")
    return meetings.filter(starts_at__gte=now).order_by("starts_at", "pk")


def require_taking_part(user: Any, forum: Forum) -> None:
    if not may_take_part(user, forum):
        raise _refuse(user, object_type="meetings.forum", object_id=forum.pk,
                      message=_("Only the organisations sitting in the forum see its meetings."))


def case_for_agenda(*, user: Any, case_ref: str) -> Any | None:
    """The case with that reference if the user may work on it (the read is checked and logged
    by the case selector); None when there is no such case or the user may not see it."""
    from samspil.cases.models import Case
    from samspil.cases.selectors import case_get

    pk = Case.objects.filter(case_ref=case_ref[:64]).values_list("pk", flat=True).first()
    if pk is None:
        return None
    try:
        return case_get(user=user, pk=pk)
    except AccessDenied:
        return None


def meeting_get(*, user: Any, pk: Any) -> Meeting:
    meeting = Meeting.objects.select_related("forum", "forum__district").get(pk=pk)
    if not may_take_part(user, meeting.forum):
        raise _refuse(user, object_type="meetings.meeting", object_id=pk,
                      message=_("Only the organisations sitting in the forum see its meetings."))
    return meeting


@dataclass(frozen=True)
class ActionView:
    """An action as this user may see it: an intervention on a concern is named only to the
    agencies that know the person; the rest of the forum sees that it exists and its status."""

    action: Action
    title: str
    concern_reference: str
    may_complete: bool

    @property
    def overdue(self) -> bool:
        return (self.action.status == ActionStatus.OPEN
                and self.action.due_date < timezone.localdate())


def action_views(*, user: Any, actions: Any) -> list[ActionView]:
    views = []
    known: dict[int, set[int]] = {}
    for action in actions:
        title = action.title
        reference = ""
        if action.concern_id is not None:
            if action.concern_id not in known:
                known[action.concern_id] = concern_organisation_ids(action.concern)  # type: ignore[arg-type]
            reference = f"B-{action.concern_id}"
            if user.organisation_id not in known[action.concern_id]:
                title = _("Intervention on concern %(reference)s") % {"reference": reference}
            may = user.organisation_id in known[action.concern_id]
        else:
            may = may_take_part(user, action.forum)
        views.append(ActionView(action, title, reference, may))
    return views


def _actions() -> QuerySet[Action]:
    return Action.objects.select_related("forum", "owner_organisation", "owner_user", "concern",
                                         "meeting")


def carried_actions(*, meeting: Meeting) -> QuerySet[Action]:
    """Actions of the forum agreed before this meeting and not done by the time it started: they
    come back on every agenda of the forum until they are done."""
    return _actions().filter(
        forum_id=meeting.forum_id, created_at__lt=meeting.starts_at,
    ).filter(Q(status=ActionStatus.OPEN) | Q(done_at__gt=meeting.starts_at)).exclude(
        meeting=meeting).order_by("due_date", "pk")


@dataclass(frozen=True)
class AgendaEntry:
    item: AgendaItem
    situation: DeidentifiedSituation | None
    actions: list[ActionView]


@dataclass(frozen=True)
class Agenda:
    meeting: Meeting
    entries: list[AgendaEntry]
    carried: list[ActionView]
    attendance: list[Any] = field(default_factory=list)


def situations_for(concern_ids: list[int]) -> dict[int, DeidentifiedSituation]:
    rows = Concern.objects.filter(pk__in=concern_ids).values(*DEIDENTIFIED_FIELDS)
    return {row["pk"]: situation_from_row(row) for row in rows}


def agenda_for(*, user: Any, meeting: Meeting) -> Agenda:
    """The agenda (and minutes) of a meeting the user has read through meeting_get."""
    items = list(meeting.items.select_related("case").order_by("position", "pk"))
    situations = situations_for([i.concern_id for i in items if i.concern_id])
    item_actions: dict[int, list[Action]] = defaultdict(list)
    for action in _actions().filter(agenda_item__meeting=meeting):
        item_actions[action.agenda_item_id].append(action)  # type: ignore[index]
    entries = [
        AgendaEntry(item, situations.get(item.concern_id) if item.concern_id else None,
                    action_views(user=user, actions=item_actions.get(item.pk, [])))
        for item in items
    ]
    carried = action_views(user=user, actions=carried_actions(meeting=meeting))
    attendance = list(meeting.attendance.select_related("member__user", "member__organisation"))
    return Agenda(meeting, entries, carried, attendance)


def actions_list(*, user: Any, forum: Forum | None = None, status: str = "") -> list[ActionView]:
    fora = [f.pk for f in fora_taking_part(user=user) if may_take_part(user, f)]
    actions = _actions().filter(forum_id__in=fora)
    if forum is not None:
        actions = actions.filter(forum=forum)
    if status:
        actions = actions.filter(status=status)
    return action_views(user=user, actions=actions.order_by("status", "due_date", "pk"))


def action_get(*, user: Any, pk: Any) -> Action:
    action = _actions().get(pk=pk)
    if not may_take_part(user, action.forum) and not (
            action.concern is not None
            and user.organisation_id in concern_organisation_ids(action.concern)):
        raise _refuse(user, object_type="meetings.action", object_id=pk,
                      message=_("Only the organisations sitting in the forum see its actions."))
    return action


# --- Concerns --------------------------------------------------------------------------------

def concern_forum(*, user: Any, pk: Any) -> Forum:
    """The forum of a concern, for a participant (the concern row itself is not handed out)."""
    forum_id = Concern.objects.filter(pk=pk).values_list("forum_id", flat=True).get()
    forum = Forum.objects.get(pk=forum_id)
    if not may_take_part(user, forum):
        raise _refuse(user, object_type="meetings.concern", object_id=pk,
                      message=_("Only the organisations sitting in the forum see its "
                                "concerns."))
    return forum


def concern_situation(*, user: Any, pk: Any) -> DeidentifiedSituation:
    """Filter 2: what the forum sees — no name, CPR, address, birth date or narrative."""
    concern_forum(user=user, pk=pk)
    row = Concern.objects.filter(pk=pk).values(*DEIDENTIFIED_FIELDS).get()
    audit_record(actor=user, action=AuditAction.READ, object_type="meetings.concern",
                 object_id=str(pk), purpose=Purpose.FORUM, reason="de-identified")
    return situation_from_row(row)


def concern_situations(*, user: Any, forum: Forum) -> list[DeidentifiedSituation]:
    require_taking_part(user, forum)
    rows = Concern.objects.filter(forum=forum).order_by("-raised_at", "-pk").values(
        *DEIDENTIFIED_FIELDS)
    return [situation_from_row(row) for row in rows]


def concern_get(*, user: Any, pk: Any) -> Concern:
    """The concern row itself (with its person reference) for the services. The caller has
    checked the user's part: pages show only concern_situation or concern_identified."""
    concern_forum(user=user, pk=pk)
    return Concern.objects.select_related("forum", "home_organisation").get(pk=pk)


@dataclass(frozen=True)
class IdentifiedConcern:
    situation: DeidentifiedSituation
    person: Person
    recipients: list[ConcernRecipient]
    actions: list[ActionView]
    what_is_shared: str
    legal_basis_label: str


def may_see_identity(user: Any, concern: Concern) -> bool:
    return (concern.person_id is not None
            and getattr(user, "organisation_id", None) in concern_organisation_ids(concern))


def concern_identified(*, user: Any, pk: Any) -> IdentifiedConcern:
    """Filters 3 and 4: the identity, for the home agency and the agencies it was disclosed to.
    The person is read through the policy, so an expired disclosure stops it (and is logged)."""
    concern = Concern.objects.select_related("forum").get(pk=pk)
    if not may_see_identity(user, concern):
        raise _refuse(user, object_type="meetings.concern", object_id=pk,
                      message=_("The identity was not disclosed to your organisation."))
    assert concern.person_id is not None
    person = read_one(user, Person.objects.select_related("municipality"), pk=concern.person_id,
                      purpose=Purpose.FORUM)
    row = Concern.objects.filter(pk=pk).values(*DEIDENTIFIED_FIELDS).get()
    recipients = list(concern.recipients.select_related("organisation", "disclosure")
                      .order_by("role", "organisation__name"))
    return IdentifiedConcern(
        situation=situation_from_row(row), person=person, recipients=recipients,
        actions=action_views(user=user, actions=_actions().filter(concern=concern)),
        what_is_shared=concern.what_is_shared,
        legal_basis_label=str(LegalBasis(concern.legal_basis).label)
        if concern.legal_basis else "",
    )


def concerns_of_home(*, user: Any) -> QuerySet[Concern]:
    """Concerns the user's organisation raised (for the home agency's own follow-up)."""
    return Concern.objects.filter(home_organisation_id=user.organisation_id)


# --- The disclosure ledger -------------------------------------------------------------------

@dataclass(frozen=True)
class LedgerRow:
    disclosure: Disclosure
    active: bool
    forum_name: str

    @property
    def legal_basis_label(self) -> str:
        return str(self.disclosure.get_legal_basis_display())


@dataclass(frozen=True)
class Ledger:
    person_id: int
    person_label: str
    rows: list[LedgerRow]


def _forum_names(disclosures: list[Disclosure]) -> dict[str, str]:
    concern_ids = [int(d.context.split(":")[1]) for d in disclosures
                   if d.context.startswith("meetings.concern:")]
    names = dict(Concern.objects.filter(pk__in=concern_ids).values_list("pk", "forum__name"))
    return {f"meetings.concern:{pk}": name for pk, name in names.items()}


def _ledger_rows(disclosures: list[Disclosure]) -> list[LedgerRow]:
    names = _forum_names(disclosures)
    return [LedgerRow(d, disclosure_is_active(d), names.get(d.context, "")) for d in disclosures]


def person_ledger(*, user: Any, person_pk: Any) -> Ledger:
    """Who knows what about a person, since when, on which basis, until when.

    A data-protection officer sees every disclosure of the person made in their district, with
    the person named by key only (the audit purpose does not identify); everyone else reads the
    person through the policy and sees the disclosures their organisation made or received (all
    of them when it owns the person)."""
    if getattr(user, "has_role", None) and user.has_role(Role.DPO) and not (
            user.role_codes & {Role.PREVENTION_OFFICER, Role.CASEWORKER,
                               Role.SSP_COORDINATOR, Role.PSP_COORDINATOR}):
        person = Person.objects.select_related("municipality").get(pk=person_pk)
        if person.municipality.district_id != _district_id(user):
            raise _refuse(user, object_type="persons.person", object_id=person_pk,
                          purpose=Purpose.AUDIT,
                          message=_("The person is not in your police district."))
        require_dpo(user, object_type="persons.person", object_id=person_pk)
        audit_record(actor=user, action=AuditAction.READ, obj=person, purpose=Purpose.AUDIT,
                     reason="disclosure ledger")
        rows = list(dpo_disclosures(user=user, subject_type="persons.person",
                                    subject_id=person.pk))
        return Ledger(person.pk, person.person_key, _ledger_rows(rows))
    from samspil.persons.selectors import person_get, person_purpose

    purpose = person_purpose(user)
    person = person_get(user=user, pk=person_pk, purpose=purpose)
    label = person.full_name if purpose != Purpose.STATISTICS else person.person_key
    return Ledger(person.pk, label or person.person_key,
                  _ledger_rows(disclosure_ledger(user=user, subject=person)))


def dpo_disclosure_list(*, user: Any, forum: Forum | None = None, legal_basis: str = "",
                        date_from: date | None = None, date_to: date | None = None
                        ) -> list[LedgerRow]:
    contexts = None
    if forum is not None:
        contexts = [f"meetings.concern:{pk}"
                    for pk in Concern.objects.filter(forum=forum).values_list("pk", flat=True)]
    rows = list(dpo_disclosures(user=user, legal_basis=legal_basis, date_from=date_from,
                                date_to=date_to, contexts=contexts)[:1000])
    return _ledger_rows(rows)


def disclosure_timeline(*, user: Any, person: Any, purpose: str) -> list[TimelineEntry]:
    """persons.registry timeline provider: the person's disclosures the user may see."""
    if purpose == Purpose.STATISTICS:
        return []
    entries = []
    for row in _ledger_rows(disclosure_ledger(user=user, subject=person)):
        disclosure = row.disclosure
        until = (timezone.localtime(disclosure.expires_at).strftime("%d.%m.%Y")
                 if disclosure.expires_at else _("no expiry"))
        entries.append(TimelineEntry(
            at=disclosure.disclosed_at,
            kind="disclosure",
            title=_("Disclosed to %(organisation)s") % {
                "organisation": disclosure.to_organisation.name},
            detail=_("%(basis)s · until %(until)s") % {
                "basis": disclosure.get_legal_basis_display(), "until": until},
            url=reverse("meetings:ledger", args=[person.pk]),
            badges=() if row.active else (_("expired"),),
        ))
    return entries


# --- PSP monitoring ----------------------------------------------------------------------------

@dataclass(frozen=True)
class MonitoredIncident:
    occurred_on: date
    category: str
    incident_id: int | None  # only for the police, who own the incidents
    journal_no: str
    incident_key: int = field(repr=False, default=0)


@dataclass(frozen=True)
class MonitoredPerson:
    person: Person
    count: int
    latest: list[MonitoredIncident]
    discussions: int


@dataclass(frozen=True)
class MonitoringList:
    municipality: Municipality
    since: date
    rows: list[MonitoredPerson]
    not_shown: int  # persons monitored by the police but not disclosed to the viewer
    is_police: bool


def monitoring_since(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today - timedelta(days=round(PSP_MONITORING_MONTHS * 365 / 12))


def _is_police_monitor(user: Any) -> bool:
    organisation = getattr(user, "organisation", None)
    return bool(organisation is not None and organisation.kind == OrganisationKind.POLICE
                and user.has_role(Role.PREVENTION_OFFICER))


def _is_coordinator_of(user: Any, municipality: Municipality) -> bool:
    organisation = getattr(user, "organisation", None)
    return bool(organisation is not None and organisation.kind == OrganisationKind.MUNICIPALITY
                and organisation.municipality_id == municipality.pk
                and user.has_role(Role.PSP_COORDINATOR))


def _psp_disclosed_person_ids(user: Any) -> set[int]:
    """Persons disclosed to the user's organisation under § 115 stk. 1 nr. 2, still active."""
    grants = active_grants(user.organisation_id, "persons.person").filter(
        basis=GrantBasis.DISCLOSURE, disclosure__legal_basis=LegalBasis.RPL_115_1_2)
    return set(grants.values_list("subject_id", flat=True))


def _require_monitor(user: Any, municipality: Municipality) -> bool:
    """True for the police, False for the municipality's PSP coordinator; others are refused."""
    if municipality.district_id != _district_id(user):
        raise _refuse(user, object_type="meetings.psp_monitoring", object_id=municipality.code,
                      purpose=Purpose.CASEWORK,
                      message=_("The municipality is in another police district."))
    if _is_police_monitor(user):
        return True
    if _is_coordinator_of(user, municipality):
        return False
    raise _refuse(user, object_type="meetings.psp_monitoring", object_id=municipality.code,
                  purpose=Purpose.CASEWORK,
                  message=_("The PSP monitoring list is for the police and the municipality's "
                            "PSP coordinator."))


def _monitored(user: Any, municipality: Municipality) -> tuple[bool, Any, dict[int, int],
                                                               set[int]]:
    """(is_police, the PSP involvements, incidents per person, the persons the user may see)."""
    from samspil.incidents.models import Incident, Involvement

    is_police = _require_monitor(user, municipality)
    incidents = Incident.objects.filter(category__psp=True, occurred_on__gte=monitoring_since())
    if is_police:
        incidents = readable(user, incidents, purpose=Purpose.CASEWORK)
    involvements = Involvement.objects.filter(
        incident__in=incidents.values("pk"), person__municipality=municipality,
        person__merged_into__isnull=True,
    )
    counts = dict(involvements.values("person_id").annotate(n=Count("incident_id",
                                                                     distinct=True))
                  .values_list("person_id", "n"))
    if is_police:
        visible_ids = set(readable(user, Person.objects.filter(pk__in=list(counts)),
                                   purpose=Purpose.CASEWORK).values_list("pk", flat=True))
    else:
        visible_ids = set(counts) & _psp_disclosed_person_ids(user)
    return is_police, involvements, counts, visible_ids


def psp_monitoring_list(*, user: Any, municipality: Municipality, limit: int = 200
                        ) -> MonitoringList:
    """Persons of `municipality` with PSP-category incidents in the last 12 months.

    The list is derived from police incidents, so it is the police's data (docs/
    fora-and-disclosures.md): the police see every person, with the incidents they may read. The
    municipality's PSP coordinator sees only persons the police disclosed to the municipality
    under § 115 stk. 1 nr. 2 (through the PSP forum's four filters) while that disclosure lasts,
    with dates and categories but no journal numbers or narratives; the others are a count."""
    is_police, involvements, counts, visible_ids = _monitored(user, municipality)
    not_shown = len(set(counts) - visible_ids)
    ordered = sorted(visible_ids, key=lambda pk: (-counts[pk], pk))[:limit]
    persons = {p.pk: p for p in Person.objects.filter(pk__in=ordered).select_related(
        "municipality")}
    latest: dict[int, list[MonitoredIncident]] = defaultdict(list)
    for inv in (involvements.filter(person_id__in=ordered).select_related("incident__category")
                .order_by("person_id", "-incident__occurred_at", "-incident_id")):
        rows = latest[inv.person_id]
        if len(rows) < 3 and all(r.incident_key != inv.incident_id for r in rows):
            rows.append(MonitoredIncident(
                inv.incident.occurred_on, inv.incident.category.label,
                inv.incident_id if is_police else None,
                inv.incident.journal_no if is_police else "", inv.incident_id))
    discussions = _discussion_counts(ordered)
    result = [MonitoredPerson(persons[pk], counts[pk], latest[pk], discussions.get(pk, 0))
              for pk in ordered]
    log_reads(user, [row.person for row in result],
              purpose=Purpose.CASEWORK, query=f"psp monitoring {municipality.code}")
    return MonitoringList(municipality, monitoring_since(), result, not_shown, is_police)


def _discussion_counts(person_ids: list[int]) -> dict[int, int]:
    from samspil.cases.models import Case

    return dict(Case.objects.filter(case_type="psp_discussion", person_id__in=person_ids)
                .values("person_id").annotate(n=Count("pk")).values_list("person_id", "n"))


def psp_monitoring_person_ids(*, user: Any, municipality: Municipality) -> set[int]:
    """The persons on the user's monitoring list (for selecting one for discussion)."""
    return _monitored(user, municipality)[3]


def psp_municipalities(*, user: Any) -> QuerySet[Municipality]:
    """The municipalities whose monitoring list the user may open."""
    organisation = getattr(user, "organisation", None)
    if organisation is None:
        return Municipality.objects.none()
    if _is_police_monitor(user):
        return Municipality.objects.filter(district_id=organisation.district_id)
    if user.has_role(Role.PSP_COORDINATOR) and organisation.municipality_id:
        return Municipality.objects.filter(pk=organisation.municipality_id)
    return Municipality.objects.none()

