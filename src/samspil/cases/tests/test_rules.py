"""The automatic rules: a UKN screening for young suspects and charged persons, a victim
follow-up for domestic violence — never twice, and set-based for bulk imports."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samspil.audit.models import AuditEntry
from samspil.cases import rules
from samspil.cases.models import Case, CaseStatusChange
from samspil.incidents.models import Involvement

pytestmark = pytest.mark.django_db

INCIDENT_DAY = date(2025, 6, 15)


def born_aged(age: int, *, day: date = INCIDENT_DAY, days_before_birthday: int = 0) -> date:
    """A birth date giving exactly ``age`` on ``day`` (a birthday ``days_before_birthday`` ahead)."""
    birthday = date(day.year - age, day.month, day.day)
    if days_before_birthday:
        birthday = date(day.year - age - 1, day.month, day.day) + timedelta(days_before_birthday)
    return birthday


def at_noon(day: date = INCIDENT_DAY) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12, 0))


@pytest.mark.parametrize(
    ("role", "age", "expected"),
    [
        ("suspect", 9, False),
        ("suspect", 10, True),
        ("suspect", 14, True),
        ("suspect", 15, False),
        ("charged", 14, False),
        ("charged", 15, True),
        ("charged", 17, True),
        ("charged", 18, False),
        ("witness", 12, False),
        ("victim", 16, False),
    ],
)
def test_a_ukn_screening_opens_for_suspects_10_to_14_and_charged_15_to_17(
    officer, police, make_person, register_incident, role, age, expected
):
    person = make_person(police, born_aged(age))
    incident = register_incident(officer, category="violence", occurred_at=at_noon(),
                                 involvements=[(person, role)])
    cases = Case.objects.filter(case_type="ukn_screening", incident=incident)
    assert cases.exists() is expected
    if expected:
        case = cases.get()
        assert case.person == person
        assert case.crime_class == "personfarlig"
        assert case.municipality_id == incident.municipality_id
        assert case.owner_organisation == police
        assert case.state == "open"
        # Registered now, so opened now and due in 30 days.
        assert timezone.now() - case.opened_at < timedelta(minutes=1)
        assert case.due_date == timezone.localdate() + timedelta(days=30)


def test_the_age_counts_on_the_incident_date_not_today(officer, police, make_person,
                                                       register_incident):
    # 14 on the incident date, 15 the day after: still a 10–14 suspect.
    person = make_person(police, born_aged(14, days_before_birthday=1))
    incident = register_incident(officer, category="burglary", occurred_at=at_noon(),
                                 involvements=[(person, "suspect")])
    case = Case.objects.get(incident=incident)
    assert case.crime_class == "anden_alvorlig"
    assert rules.age_on(person.birth_date, INCIDENT_DAY) == 14
    assert rules.age_on(person.birth_date, INCIDENT_DAY + timedelta(days=1)) == 15


def test_a_category_that_is_no_crime_never_starts_a_screening(officer, police, make_person,
                                                              register_incident):
    person = make_person(police, born_aged(12))
    register_incident(officer, category="missing_person", occurred_at=at_noon(),
                      involvements=[(person, "suspect")])
    assert not Case.objects.filter(case_type="ukn_screening").exists()


def test_the_rule_never_duplicates_a_case(officer, police, make_person, register_incident):
    from samspil.incidents.services import incident_update, involvement_add

    person = make_person(police, born_aged(16))
    incident = register_incident(officer, category="robbery", occurred_at=at_noon(),
                                 involvements=[(person, "charged")])
    # Running the rules again (a new involvement, a changed time) changes nothing.
    involvement_add(actor=officer, incident=incident, person=person, role="suspect")
    incident_update(actor=officer, incident=incident, occurred_at=at_noon() - timedelta(hours=2))
    rules.ukn_screening_rule(incident_ids=[incident.pk, incident.pk], actor=None)
    assert Case.objects.filter(case_type="ukn_screening", person=person).count() == 1


def test_an_existing_imported_case_prevents_the_automatic_one(officer, police, make_person,
                                                              register_incident):
    person = make_person(police, born_aged(12))
    incident = register_incident(officer, category="violence", occurred_at=at_noon())
    Involvement.objects.create(incident=incident, person=person, role="suspect")
    # An imported historic case for the same incident and person (see cases.importing).
    from samspil.cases.services import NewCase, cases_bulk_insert

    cases_bulk_insert(
        actor=None, source="import", reason="import",
        rows=[NewCase(case_type="ukn_screening", municipality_id=incident.municipality_id,
                      opened_at=at_noon(), person_id=person.pk, incident_id=incident.pk,
                      case_ref="LEGACY-1", crime_class="personfarlig",
                      closed_at=at_noon() + timedelta(days=3), outcome="not_relevant",
                      state="screened")],
    )
    rules.ukn_screening_rule(incident_ids=[incident.pk], actor=None)
    assert list(Case.objects.filter(incident=incident).values_list("case_ref", flat=True)) == [
        "LEGACY-1"
    ]


def test_every_victim_of_domestic_violence_gets_a_follow_up(officer, police, make_person,
                                                            register_incident):
    victims = [make_person(police) for _ in range(2)]
    suspect = make_person(police, born_aged(40))
    incident = register_incident(
        officer, category="domestic_violence", occurred_at=at_noon(),
        involvements=[(victims[0], "victim"), (victims[1], "victim"), (suspect, "suspect")],
    )
    followups = Case.objects.filter(case_type="victim_followup", incident=incident)
    assert {c.person_id for c in followups} == {v.pk for v in victims}
    assert all(c.due_date is None and c.state == "open" for c in followups)
    # Ordinary violence has no systematic follow-up.
    register_incident(officer, category="violence", occurred_at=at_noon(),
                      involvements=[(make_person(police), "victim")])
    assert Case.objects.filter(case_type="victim_followup").count() == 2


def test_the_rules_are_set_based_one_audit_entry_per_batch(officer, police, make_person,
                                                           register_incident):
    from samspil.incidents.models import Incident, IncidentCategory
    from samspil.organisations.models import Municipality

    violence = IncidentCategory.objects.get(code="violence")
    roskilde = Municipality.objects.get(code="265")

    def bulk(n: int, start: int) -> list[int]:
        # What an import does: rows in bulk, then the rules once for all of them.
        incidents = Incident.objects.bulk_create([
            Incident(journal_no=f"IMP-{start + i}", occurred_at=at_noon(), occurred_on=INCIDENT_DAY,
                     reported_at=at_noon(), category=violence, municipality=roskilde,
                     owner_organisation=police, source="import", is_synthetic=True)
            for i in range(n)
        ])
        persons = [make_person(police, born_aged(12)) for _ in range(n)]
        Involvement.objects.bulk_create([
            Involvement(incident=incident, person=person, role="suspect")
            for incident, person in zip(incidents, persons, strict=True)
        ])
        return [incident.pk for incident in incidents]

    small, large = bulk(3, 0), bulk(30, 100)
    with CaptureQueriesContext(connection) as few:
        rules.ukn_screening_rule(incident_ids=small, actor=None)
    with CaptureQueriesContext(connection) as many:
        rules.ukn_screening_rule(incident_ids=large, actor=None)
    # The first run also creates the reference counter; per incident there is nothing.
    assert len(many.captured_queries) <= len(few.captured_queries)
    assert Case.objects.filter(case_type="ukn_screening").count() == 33
    # Imported incidents open their screening when they were reported, not today.
    assert Case.objects.filter(incident_id=large[0]).get().opened_at == at_noon()
    entries = AuditEntry.objects.filter(object_type="cases.case", reason__startswith="automatic")
    assert [e.changes["created"] for e in entries.order_by("seq")] == [3, 30]
    assert CaseStatusChange.objects.filter(case__incident_id__in=large).count() == 30
    # And a second run finds everything in place.
    rules.ukn_screening_rule(incident_ids=small + large, actor=None)
    assert Case.objects.filter(case_type="ukn_screening").count() == 33
