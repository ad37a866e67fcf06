"""The automatic case rules, registered with ``incidents.rules`` in ``CasesConfig.ready()``.

* UKN screening: a child aged 10–14 *suspected*, or a young person aged 15–17 *charged*, in an
  incident whose category is a criminal offence (crime class other than "none"), by age on the
  incident date. One screening per person and incident; its crime class is the category's.
* Victim follow-up: every victim of a domestic-violence incident.

A rule may receive hundreds of thousands of incident ids (a bulk import), so each works in chunks
of ids with a constant number of set-based queries per chunk, never a query per incident, and
skips the (incident, person, type) cases that already exist — which is also how an imported
cases.csv keeps the rule from opening the same case again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from samspil.cases.models import Case
from samspil.cases.services import NewCase, cases_bulk_insert
from samspil.persons.constants import RecordSource

UKN_SCREENING = "ukn_screening"
VICTIM_FOLLOWUP = "victim_followup"
DOMESTIC_VIOLENCE = "domestic_violence"
# Incidents registered now open cases now; imported (historic) ones when they were reported.
LIVE_SOURCES = frozenset({RecordSource.MANUAL, RecordSource.API})


def age_on(birth_date: date, day: date) -> int:
    """Whole years of age on ``day`` (a birthday counts from the day itself)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def needs_ukn_screening(role: str, age: int) -> bool:
    return (role == "suspect" and 10 <= age <= 14) or (role == "charged" and 15 <= age <= 17)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    if connection.vendor == "postgresql":
        size = 50_000  # one array parameter per chunk (see _in), so no parameter limit
    else:
        limit = connection.features.max_query_params or 5000
        size = max(100, min(5000, limit - 100))
    unique = sorted(set(ids))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def _in(ids: list[int]) -> Any:
    """The right-hand side of `incident_id__in`: one array parameter on PostgreSQL.

    Why: Django prepares every element of an IN list in Python, and psycopg then splices them
    into the query text one by one; for a bulk import that was most of the rules' time.
    """
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return ids


def _opened_at(source: str, reported_at: datetime, now: datetime) -> datetime:
    if source in LIVE_SOURCES:
        return now
    return min(reported_at, now)


def _existing(case_type: str, incident_ids: list[int]) -> set[tuple[int, int]]:
    return set(
        Case.objects.filter(case_type=case_type, incident_id__in=_in(incident_ids)).values_list(
            "incident_id", "person_id"
        )
    )


def ukn_screening_rule(*, incident_ids: Sequence[int], actor: Any | None) -> None:
    from samspil.incidents.models import Involvement

    now = timezone.now()
    for chunk in _chunks(incident_ids):
        rows = (
            # Only conditions on the involvement itself in SQL: with conditions on the person,
            # SQLite's planner drives the query from the persons table (hours on a big import).
            Involvement.objects.filter(incident_id__in=_in(chunk), role__in=("suspect", "charged"))
            .exclude(incident__category__crime_class="none")
            .values_list(
                "incident_id", "person_id", "role", "person__birth_date",
                "person__owner_organisation_id", "incident__occurred_on",
                "incident__municipality_id", "incident__category__crime_class",
                "incident__source", "incident__reported_at", "incident__is_synthetic",
                "person__merged_into_id",
            )
            .order_by("incident_id", "person_id", "role")
        )
        existing = _existing(UKN_SCREENING, chunk)
        new: list[NewCase] = []
        for (incident_id, person_id, role, birth, person_owner, occurred_on, municipality_id,
             crime_class, source, reported_at, synthetic, merged_into) in rows:
            key = (incident_id, person_id)
            if key in existing or birth is None or merged_into is not None or not needs_ukn_screening(
                role, age_on(birth, occurred_on)
            ):
                continue
            existing.add(key)
            new.append(NewCase(
                case_type=UKN_SCREENING, municipality_id=municipality_id,
                opened_at=_opened_at(source, reported_at, now), person_id=person_id,
                person_owner_id=person_owner, incident_id=incident_id, crime_class=crime_class,
                is_synthetic=synthetic, source=source,
            ))
        if new:
            cases_bulk_insert(actor=actor, rows=new, reason="automatic rule: ukn_screening",
                              source=RecordSource.MANUAL)


def victim_followup_rule(*, incident_ids: Sequence[int], actor: Any | None) -> None:
    from samspil.incidents.models import Involvement

    now = timezone.now()
    for chunk in _chunks(incident_ids):
        rows = (
            Involvement.objects.filter(
                incident_id__in=_in(chunk), role="victim",
                incident__category__code=DOMESTIC_VIOLENCE,
            )
            .values_list(
                "incident_id", "person_id", "person__owner_organisation_id",
                "incident__municipality_id", "incident__source", "incident__reported_at",
                "incident__is_synthetic", "person__merged_into_id",
            )
            .order_by("incident_id", "person_id")
        )
        existing = _existing(VICTIM_FOLLOWUP, chunk)
        new: list[NewCase] = []
        for (incident_id, person_id, person_owner, municipality_id, source, reported_at,
             synthetic, merged_into) in rows:
            key = (incident_id, person_id)
            if key in existing or merged_into is not None:
                continue
            existing.add(key)
            new.append(NewCase(
                case_type=VICTIM_FOLLOWUP, municipality_id=municipality_id,
                opened_at=_opened_at(source, reported_at, now), person_id=person_id,
                person_owner_id=person_owner, incident_id=incident_id, is_synthetic=synthetic,
                source=source,
            ))
        if new:
            cases_bulk_insert(actor=actor, rows=new, reason="automatic rule: victim_followup",
                              source=RecordSource.MANUAL)
