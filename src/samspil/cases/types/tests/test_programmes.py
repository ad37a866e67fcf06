"""Konfliktråd, exit programme, KSP release and the social report: the type-specific steps."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from samspil.accounts.constants import Role
from samspil.cases.models import Case
from samspil.cases.services import CaseError, CaseRefused, case_open, case_transition
from samspil.cases.types import programmes
from samspil.cases.types.models import CaseIncidentLink, CasePlanItem


@pytest.fixture
def mediator_user(make_user: Any, mediation: Any) -> Any:
    return make_user("maja", mediation, Role.MEDIATOR)


@pytest.fixture
def mediation_case(officer: Any, mediation: Any, mediation_worker: Any, make_person: Any,
                   police: Any) -> Case:
    person = make_person(police)
    case = case_open(actor=officer, case_type="conflict_mediation",
                     municipality=person.municipality, person=person)
    return case_transition(actor=mediation_worker, case=case, action="visitate")


def test_consent_of_a_minor_needs_the_guardians_consent(mediation_worker: Any,
                                                        mediation_case: Case) -> None:
    today = timezone.localdate().isoformat()
    fields = {"victim_consent_at": today, "offender_consent_at": today,
              "victim_is_minor": False, "offender_is_minor": True,
              "offender_admits_offence": True}
    with pytest.raises(CaseError):
        case_transition(actor=mediation_worker, case=mediation_case, action="record_consent",
                        fields=fields)
    case = case_transition(actor=mediation_worker, case=mediation_case, action="record_consent",
                           fields={**fields, "offender_guardian_consent_at": today})
    assert case.state == "consent"


def _consented(worker: Any, case: Case) -> Case:
    today = timezone.localdate().isoformat()
    return case_transition(actor=worker, case=case, action="record_consent", fields={
        "victim_consent_at": today, "offender_consent_at": today, "victim_is_minor": False,
        "offender_is_minor": False, "offender_admits_offence": True})


def test_the_coordinator_assigns_a_mediator_who_holds_the_meeting_and_closes(
    mediation_worker: Any, mediator_user: Any, mediation_case: Case, officer: Any
) -> None:
    case = _consented(mediation_worker, mediation_case)
    with pytest.raises(CaseError):  # a police officer is not a mediator
        programmes.mediation_assign_mediator(actor=mediation_worker, case=case, mediator=officer)
    case = programmes.mediation_assign_mediator(actor=mediation_worker, case=case,
                                                mediator=mediator_user)
    assert case.fields["mediator"] == "maja"
    case = case_transition(actor=mediator_user, case=case, action="hold_meeting",
                           fields={"meeting_date": timezone.localdate().isoformat()})
    case = programmes.mediation_close(actor=mediator_user, case=case,
                                      agreement="Erstatning på 500 kr.")
    assert case.outcome == "mediated" and case.fields["agreement"] == "Erstatning på 500 kr."


def test_police_and_outsiders_cannot_assign_a_mediator(
    officer: Any, outsider: Any, mediation_worker: Any, mediator_user: Any,
    mediation_case: Case,
) -> None:
    case = _consented(mediation_worker, mediation_case)
    for user in (officer, outsider):
        with pytest.raises(CaseRefused):
            programmes.mediation_assign_mediator(actor=user, case=case, mediator=mediator_user)


@pytest.fixture
def exit_case(officer: Any, police: Any, roskilde: Any, make_person: Any) -> Case:
    person = make_person(police, birth_date=date(1995, 5, 5))
    case = case_open(actor=officer, case_type="exit_programme",
                     municipality=person.municipality, person=person,
                     fields={"subject_is_adult": True})
    return case


def test_the_exit_plan_needs_consent_first_then_elements_with_owners(
    officer: Any, exit_case: Case, roskilde: Any, police: Any, client_for: Any
) -> None:
    with pytest.raises(CaseError):
        programmes.plan_item_add(actor=officer, case=exit_case, owner=roskilde,
                                 element="housing")
    case = case_transition(actor=officer, case=exit_case, action="make_plan",
                           fields={"consent_at": timezone.localdate().isoformat()})
    item = programmes.plan_item_add(actor=officer, case=case, owner=roskilde, element="housing")
    programmes.plan_item_add(actor=officer, case=case, owner=police, element="mentor",
                             status="in_progress")
    with pytest.raises(CaseError):
        programmes.plan_item_add(actor=officer, case=case, owner=roskilde, element="housing")
    programmes.plan_item_status_set(actor=officer, item=item, status="done")
    case = programmes.exit_programme_start(actor=officer, case=case)
    assert case.state == "active" and case.fields["plan_elements"] == ["housing", "mentor"]
    page = client_for(officer).get(f"/sager/{case.pk}/")
    assert b'data-plan-item="housing"' in page.content
    assert case.due_date.strftime("%d.%m.%Y").encode() in page.content  # the 12-month limit


def test_another_municipality_and_an_outsider_cannot_change_the_plan(
    officer: Any, other_caseworker: Any, outsider: Any, exit_case: Case, roskilde: Any
) -> None:
    case = case_transition(actor=officer, case=exit_case, action="make_plan",
                           fields={"consent_at": timezone.localdate().isoformat()})
    for user in (other_caseworker, outsider):
        with pytest.raises(CaseRefused):
            programmes.plan_item_add(actor=user, case=case, owner=roskilde, element="housing")
    assert not CasePlanItem.objects.exists()


def test_a_release_plan_has_steps_with_owners(probation_worker: Any, probation: Any,
                                              roskilde: Any, make_person: Any,
                                              outsider: Any) -> None:
    person = make_person(probation)
    case = case_open(actor=probation_worker, case_type="release_coordination",
                     municipality=person.municipality, person=person,
                     fields={"release_date": "2026-12-01"})
    step = programmes.plan_item_add(actor=probation_worker, case=case, owner=roskilde,
                                    title="Bolig anvist")
    assert step.kind == "release_step" and step.status == "planned"
    with pytest.raises(CaseRefused):
        programmes.plan_item_add(actor=outsider, case=case, owner=roskilde, title="x")


@pytest.fixture
def report(reviewer: Any, police: Any, roskilde: Any, koege: Any, make_person: Any) -> Case:
    person = make_person(police)
    return case_open(actor=reviewer, case_type="social_report",
                     municipality=person.municipality, person=person, origin="socialsoeg")


def test_a_report_links_incidents_is_sent_and_the_addressed_municipality_acknowledges(
    reviewer: Any, report: Case, register_incident: Any, officer: Any, caseworker: Any,
    other_caseworker: Any, client_for: Any,
) -> None:
    from samspil.organisations.models import Municipality

    incident = register_incident(officer, category="domestic_disturbance")
    programmes.social_report_link_incidents(actor=reviewer, case=report, incidents=[incident])
    assert CaseIncidentLink.objects.filter(case=report, kind="basis").count() == 1
    case = programmes.social_report_send(actor=reviewer, case=report,
                                         recipient=Municipality.objects.get(code="265"))
    assert case.state == "sent" and case.outcome == "sent"
    with pytest.raises(CaseRefused):
        programmes.social_report_acknowledge(actor=other_caseworker, case=case)
    page = client_for(caseworker).get(f"/sager/{case.pk}/")
    assert b'data-action="acknowledge"' in page.content
    response = client_for(caseworker).post(f"/sager/{case.pk}/kvitter/")
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "acknowledged"


def test_an_outsider_cannot_link_or_send(outsider: Any, report: Case,
                                         register_incident: Any, officer: Any) -> None:
    from samspil.organisations.models import Municipality

    incident = register_incident(officer, category="domestic_disturbance")
    with pytest.raises(CaseRefused):
        programmes.social_report_link_incidents(actor=outsider, case=report, incidents=[incident])
    with pytest.raises(CaseRefused):
        programmes.social_report_send(actor=outsider, case=report,
                                      recipient=Municipality.objects.get(code="265"))
