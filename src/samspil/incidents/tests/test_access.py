"""Every incident page and endpoint refuses the outsider (another district) and a caseworker of
another municipality, and the refusal is in the audit trail. Island constables see only their own
reports."""

from __future__ import annotations

import pytest

from samspil.access.constants import LegalBasis, Purpose
from samspil.access.services import disclosure_create
from samspil.audit.models import AuditEntry
from samspil.incidents.selectors import incident_search, incidents_of_person
from samspil.incidents.services import island_report_register
from samspil.incidents.tests.conftest import when

pytestmark = pytest.mark.django_db


def _refusals(user, object_type="incidents.incident"):
    return AuditEntry.objects.filter(action="read_denied", actor_username=user.username,
                                     object_type=object_type)


def _record_urls(incident):
    inv = incident.involvements.first()
    return [
        f"/haendelser/{incident.pk}/",
        f"/haendelser/{incident.pk}/ret/",
        f"/api/v1/incidents/{incident.pk}",
    ], [
        f"/haendelser/{incident.pk}/involverede/",
        f"/haendelser/{incident.pk}/involverede/{inv.pk}/fjern/",
    ]


@pytest.mark.parametrize("who", ["outsider", "other_caseworker", "caseworker"])
def test_the_incident_is_refused_to_those_without_access_and_the_refusal_is_logged(
    request, client_for, incident, who
):
    user = request.getfixturevalue(who)
    client = client_for(user)
    gets, posts = _record_urls(incident)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 403, url
        assert incident.journal_no not in response.content.decode()
    for url in posts:
        assert client.post(url, {"person": "1", "role": "witness"}).status_code == 403, url
    # One refusal per request: of the record itself, or of the registration purpose.
    assert AuditEntry.objects.filter(action="read_denied",
                                     actor_username=user.username).count() == 5
    assert incident.involvements.count() == 2


def test_an_outsider_reading_the_incident_is_logged_against_the_record(client_for, outsider,
                                                                        incident):
    client_for(outsider).get(f"/haendelser/{incident.pk}/")
    entry = _refusals(outsider).get()
    assert entry.object_id == str(incident.pk)
    assert entry.purpose == Purpose.CASEWORK


@pytest.mark.parametrize("who", ["outsider", "other_caseworker"])
def test_searches_show_them_nothing(request, client_for, incident, who):
    client = client_for(request.getfixturevalue(who))
    response = client.get("/haendelser/", {"text": "knallert"})
    assert response.status_code == 200
    assert incident.journal_no not in response.content.decode()
    assert client.get("/api/v1/incidents", {"text": "knallert"}).json() == []


@pytest.mark.parametrize("who", ["other_caseworker", "caseworker"])
def test_registration_is_refused_to_caseworkers_and_logged(request, client_for, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get("/haendelser/ny/").status_code == 403
    response = client.post("/api/v1/incidents", {"journal_no": "X-1"},
                           content_type="application/json")
    assert response.status_code == 403
    assert client.get("/haendelser/indberetning/").status_code == 403
    assert _refusals(user).filter(purpose=Purpose.REGISTRATION).count() == 3


def test_an_incident_disclosed_to_the_municipality_opens_for_its_caseworker_only(
    client_for, officer, caseworker, other_caseworker, incident, suspect
):
    disclosure_create(actor=officer, subject=incident, to_organisation=caseworker.organisation,
                      legal_basis=LegalBasis.RPL_115_1_1, purpose="SSP", shared="hændelsen")
    response = client_for(caseworker).get(f"/haendelser/{incident.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    # The incident is disclosed, the police's own suspect is not: he is not named.
    assert "Mads" not in page
    assert "A person not shared" in page or "ikke delt" in page
    assert client_for(other_caseworker).get(f"/haendelser/{incident.pk}/").status_code == 403


def test_an_island_constable_sees_only_the_reports_they_made(client_for, constable,
                                                             other_constable, incident):
    own = island_report_register(actor=constable, occurred_at=when(2025, 6, 1, 14, 0),
                                 category="vandalism", narrative="Knust rude ved færgelejet.")
    theirs = island_report_register(actor=other_constable, occurred_at=when(2025, 6, 2, 9, 0),
                                    category="theft", narrative="Stjålet jolle ved færgelejet.")
    found = incident_search(user=constable, text="færgelejet", purpose=Purpose.REGISTRATION,
                            limit=50)
    assert found == [own]
    client = client_for(constable)
    assert client.get(f"/haendelser/{own.pk}/").status_code == 200
    assert client.get(f"/haendelser/{theirs.pk}/").status_code == 403
    assert client.get(f"/haendelser/{incident.pk}/").status_code == 403
    assert [row["journal_no"] for row in client.get("/api/v1/incidents").json()] == [own.journal_no]


def test_the_person_timeline_lists_only_readable_incidents(officer, outsider, incident, suspect):
    assert incidents_of_person(user=officer, person=suspect, purpose=Purpose.CASEWORK) == [incident]
    assert incidents_of_person(user=outsider, person=suspect, purpose=Purpose.CASEWORK) == []


def test_anonymous_callers_are_sent_to_the_login(client, incident):
    assert client.get("/haendelser/").status_code == 302
    assert client.get(f"/api/v1/incidents/{incident.pk}").status_code == 401
    assert client.get("/api/v1/incident-categories").status_code == 401
