"""Victim follow-up: contact attempts, and the one-click referral to Offerrådgivningen."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from samspil.cases.models import Case, CaseParticipant
from samspil.cases.services import CaseError, CaseRefused, case_open
from samspil.cases.types.models import ContactAttempt, VictimSupportReferral
from samspil.cases.types.victims import contact_attempt_record, victim_support_refer
from samspil.conftest import make_organisation


@pytest.fixture
def followup(officer: Any, police: Any, roskilde: Any, make_person: Any) -> Case:
    person = make_person(police)
    return case_open(actor=officer, case_type="victim_followup",
                     municipality=person.municipality, person=person)


def test_a_contact_attempt_is_recorded_and_moves_the_case(officer: Any, followup: Case) -> None:
    attempt = contact_attempt_record(actor=officer, case=followup, at=timezone.now(),
                                     channel="phone", result="no_answer")
    followup.refresh_from_db()
    assert followup.state == "contact_attempted"
    contact_attempt_record(actor=officer, case=followup, at=timezone.now(), channel="sms",
                           result="reached", note="Ringer tilbage")
    assert ContactAttempt.objects.filter(case=followup).count() == 2
    assert attempt.recorded_by == officer


def test_a_contact_attempt_cannot_lie_in_the_future(officer: Any, followup: Case) -> None:
    with pytest.raises(CaseError):
        contact_attempt_record(actor=officer, case=followup,
                               at=timezone.now() + timedelta(hours=1), channel="phone",
                               result="reached")


def test_another_district_or_municipality_cannot_record_attempts(
    outsider: Any, other_caseworker: Any, followup: Case
) -> None:
    for user in (outsider, other_caseworker):
        with pytest.raises(CaseRefused):
            contact_attempt_record(actor=user, case=followup, at=timezone.now(),
                                   channel="phone", result="reached")
    assert not ContactAttempt.objects.exists()


def test_one_click_referral_records_consent_and_sends(officer: Any, followup: Case) -> None:
    support = make_organisation("test-offerraadgivning", "victim_support", "midt-vestsjaelland")
    consent = timezone.now() - timedelta(minutes=5)
    referral = victim_support_refer(actor=officer, followup=followup, consent_at=consent,
                                    consent_channel="phone")
    assert referral.case_type == "victim_support_referral"
    assert referral.state == "referred" and referral.outcome == "referred"
    assert referral.person_id == followup.person_id
    record = VictimSupportReferral.objects.get(case=referral)
    assert record.followup == followup and record.consent_channel == "phone"
    assert CaseParticipant.objects.filter(case=referral, organisation=support).exists()
    with pytest.raises(CaseError):
        victim_support_refer(actor=officer, followup=followup, consent_at=consent,
                             consent_channel="phone")


def test_referral_needs_consent_how_and_not_in_the_future(officer: Any, followup: Case) -> None:
    with pytest.raises(CaseError):
        victim_support_refer(actor=officer, followup=followup, consent_at=timezone.now(),
                             consent_channel="telepathy")
    with pytest.raises(CaseError):
        victim_support_refer(actor=officer, followup=followup,
                             consent_at=timezone.now() + timedelta(days=1),
                             consent_channel="phone")
    assert not Case.objects.filter(case_type="victim_support_referral").exists()


def test_an_outsider_cannot_refer(outsider: Any, followup: Case) -> None:
    with pytest.raises(CaseRefused):
        victim_support_refer(actor=outsider, followup=followup, consent_at=timezone.now(),
                             consent_channel="phone")


def test_the_case_page_offers_attempts_and_the_referral(
    officer: Any, outsider: Any, followup: Case, client_for: Any
) -> None:
    client = client_for(officer)
    page = client.get(f"/sager/{followup.pk}/")
    assert b'data-type-form="attempt"' in page.content
    assert b'data-type-form="refer"' in page.content
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/sager/{followup.pk}/kontaktforsoeg/",
                           {"at": at, "channel": "phone", "result": "reached"})
    assert response.status_code == 302
    response = client.post(f"/sager/{followup.pk}/henvis/",
                           {"consent_at": at, "consent_channel": "in_person"})
    assert response.status_code == 302
    assert Case.objects.filter(case_type="victim_support_referral", state="referred").exists()
    refused = client_for(outsider).post(f"/sager/{followup.pk}/kontaktforsoeg/",
                                        {"at": at, "channel": "phone", "result": "reached"})
    assert refused.status_code in (403, 404)
    assert ContactAttempt.objects.count() == 1
