"""The case pages: the case page with its stepper and only the allowed steps, opening a case,
bulk assignment — and the outsider refused everywhere."""

from __future__ import annotations

import pytest

from samspil.cases import services
from samspil.cases.models import Case, CaseNote
from samspil.organisations.models import Municipality
from samspil.persons.registry import timeline_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(officer, police, make_person):
    return services.case_open(actor=officer, case_type="victim_followup",
                              municipality=Municipality.objects.get(code="265"),
                              person=make_person(police, given_name="Sofie"))


def test_the_case_page_shows_the_stepper_and_only_the_allowed_steps(client_for, officer, case):
    response = client_for(officer).get(f"/sager/{case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="step-indicator"' in html
    assert 'aria-current="step"' in html
    assert 'data-action="attempt_contact"' in html
    assert 'data-action="close"' not in html  # only after a contact attempt
    assert "Sofie" in html
    assert 'data-deadline="none"' in html


def test_a_step_through_the_page_with_an_outcome_select(client_for, officer, case):
    client = client_for(officer)
    response = client.post(f"/sager/{case.pk}/trin/attempt_contact/",
                           {"step-attempt_contact-note": "Ingen svar"})
    assert response.status_code == 302
    html = client.get(f"/sager/{case.pk}/").content.decode()
    assert 'name="step-close-outcome"' in html
    response = client.post(f"/sager/{case.pk}/trin/close/", {"step-close-outcome": ""})
    assert response.status_code == 400
    response = client.post(f"/sager/{case.pk}/trin/close/",
                           {"step-close-outcome": "contacted"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.outcome) == ("closed", "contacted")


def test_a_guarded_field_is_asked_for_and_a_missing_one_is_shown(client_for, officer, police,
                                                                 make_person):
    referral = services.case_open(
        actor=officer, case_type="victim_support_referral",
        municipality=Municipality.objects.get(code="265"), person=make_person(police),
        fields={"consent_at": "2025-05-01"},
    )
    client = client_for(officer)
    html = client.get(f"/sager/{referral.pk}/").content.decode()
    assert 'name="step-refer-consent_at"' in html
    assert 'value="2025-05-01"' in html  # the stored consent is filled in
    response = client.post(f"/sager/{referral.pk}/trin/refer/",
                           {"step-refer-outcome": "referred", "step-refer-consent_at": ""})
    assert response.status_code == 400
    assert 'class="form-error-message"' in response.content.decode()
    response = client.post(f"/sager/{referral.pk}/trin/refer/",
                           {"step-refer-outcome": "referred",
                            "step-refer-consent_at": "2025-05-01"})
    assert response.status_code == 302


def test_notes_and_assignment_from_the_case_page(client_for, officer, second_officer, case):
    client = client_for(officer)
    assert client.post(f"/sager/{case.pk}/notat/", {"text": "Besøg aftalt"}).status_code == 302
    assert CaseNote.objects.filter(case=case).count() == 1
    assert client.post(f"/sager/{case.pk}/tildel/",
                       {"assigned_to": second_officer.pk}).status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == second_officer


def test_bulk_assignment_from_the_queue(client_for, officer, second_officer, case):
    response = client_for(officer).post(
        "/sager/fordel/", {"case": [case.pk], "assigned_to": second_officer.pk,
                           "next": "/sager/koe/ufordelt/"},
    )
    assert response.status_code == 302 and response["Location"] == "/sager/koe/ufordelt/"
    case.refresh_from_db()
    assert case.assigned_to == second_officer


def test_opening_a_case_by_hand(client_for, officer, police, make_person):
    person = make_person(police)
    client = client_for(officer)
    assert "/sager/ny/area_ban/" in client.get("/sager/ny/").content.decode()
    response = client.post("/sager/ny/area_ban/", {
        "municipality": Municipality.objects.get(code="265").pk, "person": person.person_key,
        "area": "Torvet", "radius_m": "",
    })
    assert response.status_code == 400
    response = client.post("/sager/ny/area_ban/", {
        "municipality": Municipality.objects.get(code="265").pk, "person": person.person_key,
        "area": "Torvet", "radius_m": "500",
    })
    assert response.status_code == 302
    assert Case.objects.get(case_type="area_ban").fields == {"area": "Torvet", "radius_m": 500}


def test_the_outsider_and_another_municipality_are_refused_every_case_page(
    client_for, outsider, other_caseworker, case
):
    for user in (outsider, other_caseworker):
        client = client_for(user)
        assert client.get(f"/sager/{case.pk}/").status_code == 403
        assert client.post(f"/sager/{case.pk}/trin/attempt_contact/").status_code == 403
        assert client.post(f"/sager/{case.pk}/notat/", {"text": "x"}).status_code == 403
        assert client.post(f"/sager/{case.pk}/tildel/", {"assigned_to": ""}).status_code == 403
        response = client.post("/sager/fordel/", {"case": [case.pk], "assigned_to": ""})
        case.refresh_from_db()
        assert case.assigned_to is None and response.status_code in (302, 403)
    # The outsider opens area bans in their own district only.
    response = client_for(outsider).post("/sager/ny/area_ban/", {
        "municipality": Municipality.objects.get(code="265").pk,
        "person": case.person.person_key, "area": "Torvet", "radius_m": "500",
    })
    assert response.status_code == 400
    assert not Case.objects.filter(case_type="area_ban").exists()


def test_cases_appear_on_the_person_timeline_for_those_who_may_see_them(
    officer, outsider, case
):
    entries = timeline_for(user=officer, person=case.person, purpose="casework")
    assert [e.kind for e in entries if e.kind == "case"] == ["case"]
    assert timeline_for(user=outsider, person=case.person, purpose="casework") == [] or all(
        e.kind != "case" for e in timeline_for(user=outsider, person=case.person,
                                               purpose="casework")
    )


def test_a_persons_timeline_lists_each_case_they_are_subject_or_participant_of_once(
    officer, police, make_person, case
):
    from samspil.cases.models import CaseParticipant
    from samspil.cases.selectors import cases_of_person

    person = case.person
    roskilde = Municipality.objects.get(code="265")
    other = services.case_open(actor=officer, case_type="victim_followup",
                               municipality=roskilde, person=make_person(police))
    unrelated = services.case_open(actor=officer, case_type="victim_followup",
                                   municipality=roskilde, person=make_person(police))
    role = CaseParticipant._meta.get_field("role").choices[0][0]
    CaseParticipant.objects.create(case=other, person=person, role=role)
    CaseParticipant.objects.create(case=case, person=person, role=role)  # subject as well

    found = cases_of_person(user=officer, person=person, purpose="casework")

    assert sorted(c.pk for c in found) == sorted([case.pk, other.pk])
    assert unrelated.pk not in [c.pk for c in found]
    assert [c.pk for c in found] == [c.pk for c in sorted(
        found, key=lambda c: (c.opened_at, c.pk), reverse=True)]


def test_a_person_merge_moves_the_cases(officer, police, make_person, case):
    from samspil.cases.services import cases_move

    survivor = make_person(police)
    moved = cases_move(source=case.person, target=survivor)
    assert moved == [case.pk]
    case.refresh_from_db()
    assert case.person == survivor
    original = make_person(police)
    assert cases_move(source=survivor, target=original, ids=moved) == [case.pk]
