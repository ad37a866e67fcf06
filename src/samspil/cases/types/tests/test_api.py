"""The case types' API operations: the right role succeeds, an outsider gets 403/404 and no data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from samspil.cases.models import Case
from samspil.cases.services import case_open, case_transition
from samspil.cases.types.models import ContactAttempt, RestrainingOrder


@pytest.fixture
def followup(officer: Any, police: Any, roskilde: Any, make_person: Any) -> Case:
    person = make_person(police)
    return case_open(actor=officer, case_type="victim_followup",
                     municipality=person.municipality, person=person)


def test_contact_attempt_and_referral_through_the_api(officer: Any, followup: Case,
                                                      client_for: Any) -> None:
    client = client_for(officer)
    now = timezone.now().isoformat()
    response = client.post(f"/api/v1/cases/{followup.pk}/contact-attempts",
                           {"at": now, "channel": "phone", "result": "reached"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    response = client.post(f"/api/v1/cases/{followup.pk}/victim-support-referral",
                           {"consent_at": now, "consent_channel": "phone"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "referred"


def test_an_outsider_is_refused_by_the_api(outsider: Any, followup: Case,
                                           client_for: Any) -> None:
    client = client_for(outsider)
    now = timezone.now().isoformat()
    response = client.post(f"/api/v1/cases/{followup.pk}/contact-attempts",
                           {"at": now, "channel": "phone", "result": "reached"},
                           content_type="application/json")
    assert response.status_code in (403, 404)
    assert followup.case_ref not in response.content.decode()
    assert not ContactAttempt.objects.exists()


def test_an_order_and_its_breaches_through_the_api(officer: Any, police: Any, make_person: Any,
                                                   client_for: Any, caseworker: Any) -> None:
    protected, restrained = make_person(police), make_person(police)
    case = case_open(actor=officer, case_type="restraining_order_request",
                     municipality=protected.municipality, person=protected,
                     fields={"variant": "ordinary"})
    case_transition(actor=officer, case=case, action="visitate")
    client = client_for(officer)
    today = timezone.localdate()
    too_long = client.post(f"/api/v1/cases/{case.pk}/order", {
        "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=5 * 366)).isoformat(),
        "restrained_person_key": restrained.person_key}, content_type="application/json")
    assert too_long.status_code == 400
    response = client.post(f"/api/v1/cases/{case.pk}/order", {
        "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=365)).isoformat(),
        "restrained_person_key": restrained.person_key, "conditions": "Ingen kontakt"},
        content_type="application/json")
    assert response.status_code == 201, response.content
    assert RestrainingOrder.objects.filter(case=case).exists()
    for _ in range(2):
        response = client.post(f"/api/v1/cases/{case.pk}/breaches",
                               {"occurred_at": timezone.now().isoformat()},
                               content_type="application/json")
        assert response.status_code == 201, response.content
    assert response.json()["stalking_suspected"] is True
    refused = client_for(caseworker).post(f"/api/v1/cases/{case.pk}/breaches",
                                          {"occurred_at": timezone.now().isoformat()},
                                          content_type="application/json")
    assert refused.status_code in (403, 404)


def test_the_station_answers_a_citizen_through_the_api(officer: Any, police: Any,
                                                       outsider: Any, client_for: Any) -> None:
    from samspil.cases.types.officer_requests import officer_request_submit
    from samspil.organisations.models import Municipality

    receipt = officer_request_submit(
        address="203.0.113.1", origin="mopeds", municipality=Municipality.objects.get(code="265"),
        place="Skolevej", wished_date=timezone.localdate() + timedelta(days=3),
        description="Knallerter om aftenen", requester_kind="citizen", contact_name="Ib",
        phone="12345678", consent_to_contact=True, is_synthetic=True,
    )
    case = Case.objects.get(case_ref=receipt.case_ref)
    assert client_for(outsider).post(f"/api/v1/cases/{case.pk}/reply", {"message": "x"},
                                     content_type="application/json").status_code in (403, 404)
    response = client_for(officer).post(f"/api/v1/cases/{case.pk}/reply",
                                        {"message": "Vi patruljerer fredag."},
                                        content_type="application/json")
    assert response.status_code == 200
    assert response.json()["message"] == "Vi patruljerer fredag."
