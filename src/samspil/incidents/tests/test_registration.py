from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from samspil.access.models import AccessGrant
from samspil.audit.models import AuditEntry
from samspil.incidents.constants import InvolvementRole
from samspil.incidents.models import Incident, IncidentCategory, Involvement
from samspil.incidents.services import (
    incident_register,
    incident_update,
    involvement_add,
    involvement_remove,
    island_report_register,
)
from samspil.incidents.tests.conftest import when

pytestmark = pytest.mark.django_db


def test_an_officer_registers_an_incident_with_two_involvements(incident, officer, suspect,
                                                                 victim):
    assert incident.owner_organisation_id == officer.organisation_id
    assert incident.created_by == officer
    assert incident.reported_at == incident.occurred_at
    roles = set(Involvement.objects.filter(incident=incident).values_list("person_id", "role"))
    assert roles == {(suspect.pk, "suspect"), (victim.pk, "victim")}
    created = AuditEntry.objects.filter(action="create")
    assert created.filter(object_type="incidents.incident", object_id=str(incident.pk)).exists()
    assert created.filter(object_type="incidents.involvement").count() == 2


def test_the_date_is_the_copenhagen_date_of_the_time(register):
    # 23:30 UTC on New Year's Eve is already 1 January in Copenhagen.
    incident = register(occurred_at=datetime(2024, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC")))
    assert incident.occurred_on.isoformat() == "2025-01-01"


def test_a_person_of_another_organisation_becomes_visible_to_the_incidents_owner(incident,
                                                                                   victim):
    grant = AccessGrant.objects.get(subject_type="persons.person", subject_id=victim.pk)
    assert grant.organisation_id == incident.owner_organisation_id
    assert grant.source == f"incidents.incident:{incident.pk}"


def test_a_person_of_the_own_organisation_needs_no_grant(incident, suspect):
    assert not AccessGrant.objects.filter(subject_type="persons.person",
                                          subject_id=suspect.pk).exists()


def _errors(excinfo):
    return excinfo.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"journal_no": ""}, "journal_no", "Enter the journal number"),
        ({"journal_no": "0100 12345"}, "journal_no", "no spaces"),
        ({"journal_no": "x" * 41}, "journal_no", "at most 40"),
        ({"occurred_at": datetime(2025, 3, 14, 12, 0)}, "occurred_at", "time zone"),
        ({"occurred_at": timezone.now() + timedelta(days=1)}, "occurred_at", "future"),
        ({"reported_at": when(2025, 3, 1, 12, 0)}, "reported_at", "before it happened"),
        ({"lat": 55.6}, "lat", "both latitude and longitude"),
        ({"lat": 48.85, "lon": 2.35}, "lat", "not in Denmark"),
        ({"category": "no_such_category"}, "category", "exists"),
        ({"municipality": "999"}, "municipality", "exists"),
    ],
)
def test_registration_explains_what_is_wrong(register, settings, changes, field, text):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ValidationError) as excinfo:
        register(**changes)
    assert any(text in message for message in _errors(excinfo)[field])
    assert not Incident.objects.exists()


def test_the_police_journal_format_and_other_compact_numbers_are_accepted(register):
    assert register(journal_no="0100-12345-00001-25").journal_no == "0100-12345-00001-25"
    assert register(journal_no="KK/2025/77").journal_no == "KK/2025/77"


def test_a_journal_number_is_registered_once(register):
    register(journal_no="0100-12345-00042-25")
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        register(journal_no="0100-12345-00042-25")
    with translation.override("en"):
        assert "already exists" in _errors(excinfo)["journal_no"][0]


def test_a_category_no_longer_in_use_is_refused(register):
    IncidentCategory.objects.filter(code="traffic").update(is_active=False)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        register(category="traffic")
    with translation.override("en"):
        assert "no longer in use" in _errors(excinfo)["category"][0]


def test_a_position_in_denmark_is_kept(register):
    incident = register(lat=55.6415, lon=12.0803)
    assert (incident.lat, incident.lon) == (55.6415, 12.0803)


def test_the_same_role_twice_for_one_person_is_refused(register, suspect):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        register(involvements=[(suspect, "suspect"), (suspect, "suspect")])
    with translation.override("en"):
        assert "already has this role" in _errors(excinfo)["involvements"][0]


def test_a_caseworker_cannot_register_incidents(register, caseworker):
    with pytest.raises(PermissionDenied):
        register(actor=caseworker)


def test_an_update_is_audited_old_to_new(incident, officer):
    incident_update(actor=officer, incident=incident, category="robbery",
                    narrative="Røveri ved havnen.")
    entry = AuditEntry.objects.filter(action="update", object_type="incidents.incident").get()
    robbery = IncidentCategory.objects.get(code="robbery")
    assert entry.changes["category_id"][1] == robbery.pk
    assert entry.changes["narrative"] == ["Knallerten blev fundet ved havnen efter et slagsmål.",
                                          "Røveri ved havnen."]


def test_only_the_owner_changes_an_incident(incident, outsider):
    with pytest.raises(PermissionDenied):
        incident_update(actor=outsider, incident=incident, narrative="x")


def test_involvements_are_added_and_removed_with_audit(incident, officer, make_person, police):
    witness = make_person("Vibeke", "Vidnesen", owner=police, birth=(1970, 1, 1))
    added = involvement_add(actor=officer, incident=incident, person=witness,
                            role=InvolvementRole.WITNESS)
    involvement_remove(actor=officer, involvement=added)
    assert not Involvement.objects.filter(pk=added.pk).exists()
    deleted = AuditEntry.objects.get(action="delete", object_type="incidents.involvement")
    assert deleted.changes["role"] == ["witness", None]
    assert deleted.changes["person_id"] == [witness.pk, None]


def test_an_island_report_gets_a_number_and_the_islands_municipality(constable):
    incident = island_report_register(actor=constable, occurred_at=when(2025, 6, 1, 14, 0),
                                      category="vandalism", narrative="Knust rude ved havnen.")
    assert incident.journal_no.startswith("SF-")
    assert incident.municipality.code == "326"
    assert incident.created_by == constable


def test_the_registering_organisation_must_exist(suspect):
    with pytest.raises(PermissionDenied):
        incident_register(actor=None, journal_no="A-1", occurred_at=when(2025, 1, 1, 12),
                          category="violence", municipality="265")
