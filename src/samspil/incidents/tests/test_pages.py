from __future__ import annotations

import pytest

from samspil.audit.models import AuditEntry
from samspil.incidents.models import Incident
from samspil.persons.models import Person

pytestmark = pytest.mark.django_db


def _form(**extra):
    data = {
        "journal_no": "0100-12345-00099-25",
        "occurred_at": "2025-03-14T21:30",
        "reported_at": "",
        "category": "violence",
        "municipality": "265",
        "narrative": "Slagsmål ved stationen. Knallerten blev beslaglagt.",
        "lat": "", "lon": "",
        "inv-TOTAL_FORMS": "3", "inv-INITIAL_FORMS": "0",
        "inv-MIN_NUM_FORMS": "0", "inv-MAX_NUM_FORMS": "20",
    }
    data.update(extra)
    return data


def test_the_officer_registers_an_incident_with_two_persons_on_the_form(client_for, officer,
                                                                        suspect, make_person,
                                                                        police):
    victim = make_person("Sofie", "Prøvesen", owner=police, birth=(1990, 2, 3))
    client = client_for(officer)
    assert client.get("/haendelser/ny/").status_code == 200
    response = client.post("/haendelser/ny/", _form(**{
        "inv-0-person": suspect.person_key, "inv-0-role": "suspect",
        "inv-1-person": str(victim.pk), "inv-1-role": "victim",
    }))
    incident = Incident.objects.get(journal_no="0100-12345-00099-25")
    assert response.status_code == 302
    assert response["Location"] == f"/haendelser/{incident.pk}/"
    assert incident.occurred_on.isoformat() == "2025-03-14"
    assert sorted(incident.involvements.values_list("role", flat=True)) == ["suspect", "victim"]
    page = client.get(response["Location"]).content.decode()
    assert "Mads" in page and "Sofie" in page


def test_a_new_person_can_be_registered_from_the_incident_form(client_for, officer):
    response = client_for(officer).post("/haendelser/ny/", _form(**{
        "inv-0-new_given_name": "Ny", "inv-0-new_family_name": "Persensen",
        "inv-0-new_birth_date": "2010-04-01", "inv-0-new_municipality": "259",
        "inv-0-role": "suspect",
    }))
    assert response.status_code == 302
    person = Person.objects.get(family_name="Persensen")
    assert person.owner_organisation_id == officer.organisation_id
    assert Incident.objects.get().involvements.get().person == person


def test_a_cpr_number_already_registered_elsewhere_names_that_person(client_for, officer,
                                                                     caseworker):
    from samspil.access.models import AccessGrant
    from samspil.persons.services import person_register

    known = person_register(actor=caseworker, given_name="Kendt", family_name="Borger",
                            municipality=caseworker.organisation.municipality,
                            cpr="170509-4321", is_synthetic=True)
    response = client_for(officer).post("/haendelser/ny/", _form(**{
        "inv-0-new_given_name": "Kendt", "inv-0-new_family_name": "Borger",
        "inv-0-new_cpr": "1705094321", "inv-0-new_municipality": "265",
        "inv-0-role": "victim",
    }))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.involvements.get().person == known
    assert Person.objects.filter(family_name="Borger").count() == 1
    assert AccessGrant.objects.filter(organisation=officer.organisation,
                                      subject_type="persons.person", subject_id=known.pk).exists()


def test_the_form_shows_what_is_wrong_and_registers_nothing(client_for, officer, outsider,
                                                           make_person):
    stranger = make_person("Fremmed", "Person", owner=outsider.organisation, municipality="561")
    response = client_for(officer).post("/haendelser/ny/", _form(**{
        "journal_no": "has spaces",
        "inv-0-person": "S-doesnotexist", "inv-0-role": "suspect",
        "inv-1-person": str(stranger.pk), "inv-1-role": "victim",
        "inv-2-role": "witness",
    }))
    assert response.status_code == 200
    assert not Incident.objects.exists()
    formset = response.context["formset"]
    assert formset.forms[0].errors["person"]
    assert formset.forms[1].errors["person"]  # not readable for the officer
    assert formset.forms[2].errors["person"]  # a role without a person
    # The attempt to name a person out of reach is itself a logged refusal.
    assert AuditEntry.objects.filter(action="read_denied", object_type="persons.person",
                                     object_id=str(stranger.pk)).exists()


def test_the_service_checks_show_on_the_form(client_for, officer):
    response = client_for(officer).post("/haendelser/ny/", _form(lat="48.8", lon="2.3"))
    assert response.status_code == 200
    assert response.context["form"].errors["lat"]


def test_the_search_page_finds_by_free_text_and_period(client_for, officer, incident, register):
    other = register(narrative="Indbrud i kolonihave.", category="burglary")
    client = client_for(officer)
    page = client.get("/haendelser/", {"text": "knallert"}).content.decode()
    assert incident.journal_no in page and other.journal_no not in page
    page = client.get("/haendelser/", {"category": "burglary", "municipality": "265",
                                       "date_from": "2025-03-01", "date_to": "2025-03-31"}
                      ).content.decode()
    assert other.journal_no in page and incident.journal_no not in page
    page = client.get("/haendelser/", {"journal_no": incident.journal_no}).content.decode()
    assert incident.journal_no in page


def test_the_officer_changes_the_incident_and_its_persons(client_for, officer, incident,
                                                          make_person, police):
    client = client_for(officer)
    assert client.get(f"/haendelser/{incident.pk}/ret/").status_code == 200
    response = client.post(f"/haendelser/{incident.pk}/ret/", {
        "journal_no": incident.journal_no, "occurred_at": "2025-03-14T22:00",
        "reported_at": "2025-03-14T22:15", "category": "robbery", "municipality": "265", "narrative": "Røveri.",
    })
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.category.code == "robbery"
    witness = make_person("Vera", "Vidne", owner=police)
    client.post(f"/haendelser/{incident.pk}/involverede/",
                {"person": witness.person_key, "role": "witness"})
    involvement = incident.involvements.get(person=witness)
    client.post(f"/haendelser/{incident.pk}/involverede/{involvement.pk}/fjern/")
    assert not incident.involvements.filter(person=witness).exists()


def test_the_island_constable_reports_on_the_short_form(client_for, constable):
    client = client_for(constable)
    assert client.get("/haendelser/indberetning/").status_code == 200
    response = client.post("/haendelser/indberetning/", {
        "occurred_at": "2025-06-01T14:00", "category": "vandalism",
        "narrative": "Knust rude i forsamlingshuset.", "lat": "55.88", "lon": "11.17",
    })
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.municipality.code == "326" and incident.lat == 55.88
    assert client.get(response["Location"]).status_code == 200


def test_the_officer_is_not_an_island_constable(client_for, officer):
    assert client_for(officer).get("/haendelser/indberetning/").status_code == 403


def test_the_menu_and_start_page_lead_to_the_incident_pages(client_for, officer, constable):
    page = client_for(officer).get("/").content.decode()
    assert "/haendelser/" in page and "/haendelser/ny/" in page
    page = client_for(constable).get("/").content.decode()
    assert "/haendelser/indberetning/" in page
