from __future__ import annotations

import pytest

from samspil.incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_an_officer_registers_an_incident_with_involvements_through_the_api(client_for, officer,
                                                                           suspect, victim):
    response = client_for(officer).post("/api/v1/incidents", {
        "journal_no": "0100-12345-00500-25",
        "occurred_at": "2025-03-14T21:30:00+01:00",
        "category": "violence", "municipality_code": "265",
        "lat": 55.64, "lon": 12.08, "narrative": "Knallerten blev fundet ved havnen.",
        "involvements": [{"person": suspect.person_key, "role": "suspect"}],
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["occurred_on"] == "2025-03-14" and body["source"] == "api"
    incident = Incident.objects.get(pk=body["id"])
    assert incident.involvements.get().person == suspect


def test_the_api_explains_what_is_wrong(client_for, officer, victim):
    response = client_for(officer).post("/api/v1/incidents", {
        "journal_no": "has space", "occurred_at": "2025-03-14T21:30:00+01:00",
        "category": "violence", "municipality_code": "265", "lat": 55.6,
    }, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"journal_no", "lat"}
    response = client_for(officer).post("/api/v1/incidents", {
        "journal_no": "A-1", "occurred_at": "2025-03-14T21:30:00+01:00",
        "category": "violence", "municipality_code": "265",
        "involvements": [{"person": str(victim.pk), "role": "victim"}],
    }, content_type="application/json")
    assert response.status_code == 403  # the victim is the municipality's, not shared
    assert not Incident.objects.exists()


def test_the_api_reads_and_searches(client_for, officer, incident):
    client = client_for(officer)
    body = client.get(f"/api/v1/incidents/{incident.pk}").json()
    assert body["journal_no"] == incident.journal_no
    assert {row["role"] for row in body["involvements"]} == {"suspect", "victim"}
    rows = client.get("/api/v1/incidents", {"text": "knallert", "category": "violence",
                                            "municipality": "265", "from": "2025-03-14",
                                            "to": "2025-03-14"}).json()
    assert [row["journal_no"] for row in rows] == [incident.journal_no]
    assert client.get("/api/v1/incidents", {"from": "2025-03-15"}).json() == []
    assert client.get("/api/v1/incidents", {"category": "nope"}).status_code == 400
    assert client.get("/api/v1/incidents/999999").status_code == 404
