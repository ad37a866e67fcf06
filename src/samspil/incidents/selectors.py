"""Reads of incidents, scoped by the one access policy and logged in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from samspil.access.constants import Purpose
from samspil.access.policy import AccessDenied, log_reads, purposes_of, read_one, readable
from samspil.accounts.constants import Role
from samspil.audit.constants import Action
from samspil.audit.services import audit_record
from samspil.incidents import fulltext
from samspil.incidents.constants import InvolvementRole
from samspil.incidents.models import Incident, IncidentCategory, Involvement
from samspil.organisations.models import Municipality
from samspil.persons.models import Person
from samspil.persons.registry import TimelineEntry

# The purpose a page reads incidents for, in order of preference, when the user holds several.
READ_PURPOSES: tuple[str, ...] = (Purpose.CASEWORK, Purpose.REGISTRATION, Purpose.SCREENING,
                                  Purpose.ADMINISTRATION)


def _refuse(user: Any, *, object_type: str, object_id: Any = "", purpose: str = "",
            reason: str, message: str) -> AccessDenied:
    """Audit a refusal (outside any rolled-back transaction) and return the error to raise."""
    audit_record(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=Action.READ_DENIED, object_type=object_type, object_id=str(object_id),
        purpose=purpose, reason=reason,
    )
    return AccessDenied(message)


def read_purpose(user: Any) -> str:
    """The purpose this user reads incidents for; refused (and audited) when there is none."""
    allowed = purposes_of(user)
    for purpose in READ_PURPOSES:
        if purpose in allowed:
            return purpose
    raise _refuse(user, object_type="incidents.incident", reason="incidents",
                  message=_("Your role does not give access to incidents."))


def require_registration(user: Any) -> None:
    """Pages and endpoints that register incidents check this first, so a refusal is logged."""
    if Purpose.REGISTRATION not in purposes_of(user):
        raise _refuse(user, object_type="incidents.incident", purpose=Purpose.REGISTRATION,
                      reason="register", message=_("Your role does not allow registering "
                                                   "incidents."))


def require_island_constable(user: Any) -> None:
    if not user.has_role(Role.ISLAND_CONSTABLE):
        raise _refuse(user, object_type="incidents.incident", purpose=Purpose.REGISTRATION,
                      reason="island_report",
                      message=_("Only island constables use the short report."))


def require_category_admin(user: Any, *, pk: Any = "") -> None:
    if not user.has_role(Role.ADMINISTRATOR):
        raise _refuse(user, object_type="incidents.incidentcategory", object_id=pk,
                      purpose=Purpose.ADMINISTRATION, reason="categories",
                      message=_("Only administrators manage the incident categories."))


def _incidents() -> QuerySet[Incident]:
    return Incident.objects.select_related("category", "municipality", "owner_organisation")


def incident_get(*, user: Any, pk: Any, purpose: str) -> Incident:
    """One incident; a refusal raises AccessDenied and is logged (access.policy.read_one)."""
    return read_one(user, _incidents(), pk=pk, purpose=purpose)


@dataclass(frozen=True)
class IncidentQuery:
    journal_no: str = ""
    category: IncidentCategory | None = None
    municipality: Municipality | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""

    def describe(self) -> str:
        """The search as one line for the audit trail (what was asked, not what was found)."""
        parts = [
            f"journal_no={self.journal_no}" if self.journal_no else "",
            f"category={self.category.code}" if self.category else "",
            f"municipality={self.municipality.code}" if self.municipality else "",
            f"from={self.date_from.isoformat()}" if self.date_from else "",
            f"to={self.date_to.isoformat()}" if self.date_to else "",
            f"text={self.text}" if self.text else "",
        ]
        return "incident search: " + " ".join(part for part in parts if part)


def incident_search(
    *,
    user: Any,
    journal_no: str = "",
    category: IncidentCategory | None = None,
    municipality: Municipality | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    text: str = "",
    purpose: str,
    limit: int,
) -> list[Incident]:
    """Incidents the user may read that match every given filter, newest first, at most `limit`.
    Every incident returned is logged as shown to the user."""
    query = IncidentQuery(journal_no=journal_no.strip(), category=category,
                          municipality=municipality, date_from=date_from, date_to=date_to,
                          text=text.strip())
    incidents = readable(user, _incidents(), purpose=purpose)
    if query.journal_no:
        incidents = incidents.filter(journal_no__iexact=query.journal_no)
    if category is not None:
        incidents = incidents.filter(category=category)
    if municipality is not None:
        incidents = incidents.filter(municipality=municipality)
    if date_from is not None:
        incidents = incidents.filter(occurred_on__gte=date_from)
    if date_to is not None:
        incidents = incidents.filter(occurred_on__lte=date_to)
    if query.text:
        incidents = fulltext.filter_narrative(incidents, query.text)
    found = list(incidents.order_by("-occurred_at", "-pk")[: max(0, limit)])
    log_reads(user, found, purpose=purpose, query=query.describe())
    return found


def incidents_of_person(*, user: Any, person: Person, purpose: str) -> list[Incident]:
    """The incidents the user may read in which `person` is involved, newest first, each with
    `person_involvements` (that person's roles). Logged as read."""
    incidents = (
        readable(user, _incidents(), purpose=purpose)
        .filter(pk__in=Involvement.objects.filter(person=person).values("incident_id"))
        .prefetch_related(Prefetch("involvements",
                                   queryset=Involvement.objects.filter(person=person),
                                   to_attr="person_involvements"))
        .order_by("-occurred_at", "-pk")
    )
    found: list[Incident] = list(incidents)
    log_reads(user, found, purpose=purpose)
    return found


def incident_timeline(*, user: Any, person: Any, purpose: str) -> list[TimelineEntry]:
    """The persons.registry timeline provider: one entry per readable incident of the person."""
    try:
        incidents = incidents_of_person(user=user, person=person, purpose=purpose)
    except AccessDenied:
        return []
    entries = []
    for incident in incidents:
        roles = ", ".join(str(InvolvementRole(inv.role).label)
                          for inv in incident.person_involvements)  # type: ignore[attr-defined]
        entries.append(TimelineEntry(
            at=incident.occurred_at,
            kind="incident",
            title=incident.category.label,
            detail=_("%(roles)s · journal no. %(journal_no)s")
            % {"roles": roles, "journal_no": incident.journal_no},
            url=reverse("incidents:detail", args=[incident.pk]),
            badges=(incident.municipality.name,),
        ))
    return entries


@dataclass(frozen=True)
class InvolvementRow:
    involvement: Involvement
    person: Person | None  # None when the person is not visible to the user


def involvements_for_display(*, user: Any, incident: Incident, purpose: str
                             ) -> list[InvolvementRow]:
    """The incident's involvements; a person is named only when the user may read the person
    (an incident disclosed to a municipality does not disclose everyone in it). Named persons
    are logged as read."""
    involvements = list(incident.involvements.select_related("person").order_by("role", "pk"))
    person_ids = {inv.person_id for inv in involvements}
    visible = {
        person.pk: person
        for person in readable(user, Person.objects.filter(pk__in=person_ids), purpose=purpose)
    }
    log_reads(user, visible.values(), purpose=purpose)
    return [InvolvementRow(inv, visible.get(inv.person_id)) for inv in involvements]


def person_for_involvement(*, user: Any, reference: str, purpose: str) -> Person:
    """A person the user may read, by id or person key, for naming in an incident. A person out
    of reach is refused and logged; one that does not exist raises Person.DoesNotExist."""
    reference = reference.strip()
    pk = Person.objects.filter(person_key=reference).values_list("pk", flat=True).first()
    if pk is None and reference.isdigit():
        pk = int(reference)
    if pk is None:
        raise Person.DoesNotExist(reference)
    return read_one(user, Person.objects.all(), pk=pk, purpose=purpose)


def involvement_of(*, incident: Incident, pk: Any) -> Involvement | None:
    """An involvement of an incident the caller has already read through incident_get."""
    return Involvement.objects.filter(pk=pk, incident=incident).first()


def category_get(*, pk: Any) -> IncidentCategory | None:
    return IncidentCategory.objects.filter(pk=pk).first()


def category_by_code(*, code: str) -> IncidentCategory | None:
    return IncidentCategory.objects.filter(code=code).first()


def municipality_by_code(*, code: str) -> Municipality | None:
    return Municipality.objects.filter(code=code).first()


def categories_in_use() -> QuerySet[IncidentCategory]:
    return IncidentCategory.objects.filter(is_active=True).order_by("label_da")


def categories_all() -> QuerySet[IncidentCategory]:
    return IncidentCategory.objects.order_by("-is_active", "label_da")


def municipalities_for(user: Any) -> QuerySet[Municipality]:
    """The municipalities offered in forms: the user's district first, as a plain list."""
    district_id = getattr(getattr(user, "organisation", None), "district_id", None)
    municipalities = Municipality.objects.all()
    if district_id is not None:
        municipalities = municipalities.filter(district_id=district_id)
    return municipalities.order_by("name")
