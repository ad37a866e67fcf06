"""Who may see the district's figures, and the access-controlled lists behind each number.

Figures are aggregates over the whole district — the counts the district publishes — so they are
shown to the roles that work with the district's figures: analysts and prevention officers
(``DASHBOARD_ROLES``), and only for their own organisation's district. The DPO audits reads and
the administrator manages users; neither role needs the figures, so neither gets them.

The lists behind a number are person data: they go through the access policy (``readable``) for
the user's purpose — casework for a prevention officer (names shown where the person is readable),
statistics for an analyst (the district's records, persons shown by their pseudonym, the person
key) — and every record shown is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from samspil.access.constants import Purpose
from samspil.access.policy import AccessDenied, log_reads, purposes_of, readable
from samspil.accounts.constants import Role
from samspil.audit.constants import Action
from samspil.audit.services import audit_record
from samspil.organisations.models import District, Municipality
from samspil.persons.models import Person
from samspil.reports import annual

DASHBOARD_ROLES = frozenset({Role.ANALYST, Role.PREVENTION_OFFICER})
# The purpose the lists are read for, in order of preference.
RECORD_PURPOSES = (Purpose.CASEWORK, Purpose.STATISTICS)


def _refuse(user: Any, *, reason: str, message: str) -> AccessDenied:
    audit_record(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=Action.READ_DENIED, object_type="reports.report", reason=reason,
        purpose=Purpose.STATISTICS,
    )
    return AccessDenied(message)


def may_see_figures(user: Any) -> bool:
    roles: frozenset[str] = getattr(user, "role_codes", frozenset())
    return bool(getattr(user, "is_authenticated", False)
                and getattr(user, "organisation_id", None) is not None
                and roles & DASHBOARD_ROLES)


def district_for(user: Any, slug: str | None = None) -> District:
    """The district whose figures `user` may see: their organisation's. Asking for another
    district — or having no role that sees figures — is refused and logged."""
    if not may_see_figures(user):
        raise _refuse(user, reason="figures: role",
                      message=_("Your role does not give access to the district's figures."))
    district: District = user.organisation.district
    if slug is not None and slug != district.slug:
        raise _refuse(user, reason=f"figures: district {slug}",
                      message=_("You may only see the figures of your own police district."))
    return district


def municipality_in(district: District, code: str) -> Municipality | None:
    return Municipality.objects.filter(district=district, code=code).first()


def municipalities_of(district: District) -> QuerySet[Municipality]:
    return Municipality.objects.filter(district=district).order_by("name")


def record_purpose(user: Any) -> str:
    allowed = purposes_of(user)
    for purpose in RECORD_PURPOSES:
        if purpose in allowed:
            return purpose
    raise _refuse(user, reason="figures: records",
                  message=_("Your role does not give access to the records behind the figures."))


@dataclass(frozen=True)
class RecordRow:
    kind: str  # "case" or "incident"
    reference: str
    url: str
    what: str
    municipality: str
    opened: date | None
    closed: date | None
    outcome: str
    person: str  # a name, a pseudonym (person key), or "" when the person is out of reach


@dataclass(frozen=True)
class RecordList:
    kind: str
    total: int  # how many records the figure counts, all of them
    visible: QuerySet[Any]  # those the user may read, unevaluated (the page slices it)
    purpose: str


def figure_records(*, user: Any, key: str, scope: annual.Scope) -> RecordList | None:
    """The records behind a figure that the user may read; None for an unknown figure."""
    purpose = record_purpose(user)
    records = annual.records_behind(key, scope)
    if records is None:
        return None
    queryset = records.queryset.select_related("municipality")
    if records.kind == "case":
        queryset = queryset.select_related("person").order_by("opened_at", "pk")
    else:
        queryset = queryset.select_related("category").order_by("occurred_at", "pk")
    return RecordList(records.kind, records.queryset.count(),
                      readable(user, queryset, purpose=purpose), purpose)


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def rows_for_display(*, user: Any, records: RecordList, page: list[Any], key: str) -> list[
        RecordRow]:
    """One page of a list as rows; persons pseudonymised for statistics, named only where the
    user may read the person. Every record and person shown is logged."""
    identifying = records.purpose != Purpose.STATISTICS
    log_reads(user, page, purpose=records.purpose, query=f"report figure {key}")
    rows = []
    if records.kind == "incident":
        for incident in page:
            rows.append(RecordRow(
                "incident", incident.journal_no,
                _url("incidents:detail", incident.pk) if identifying else "",
                incident.category.label, incident.municipality.name,
                annual.local_date(incident.occurred_at), None, "", ""))
        return rows
    persons: dict[int, Person] = {}
    person_ids = {case.person_id for case in page if case.person_id}
    if identifying and person_ids:
        persons = {p.pk: p for p in readable(user, Person.objects.filter(pk__in=person_ids),
                                             purpose=records.purpose)}
        log_reads(user, persons.values(), purpose=records.purpose)
    for case in page:
        if case.person_id is None:
            person = ""
        elif identifying:
            found = persons.get(case.person_id)
            person = found.full_name or found.person_key if found else ""
        else:
            person = case.person.person_key
        rows.append(RecordRow(
            "case", case.case_ref, _url("cases:detail", case.pk) if identifying else "",
            case.get_case_type_display(), case.municipality.name,
            annual.local_date(case.opened_at),
            annual.local_date(case.closed_at) if case.closed_at else None,
            case.outcome, person))
    return rows
