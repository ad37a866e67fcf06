"""Restraining orders (period, persons, breaches, the stalking flag) and area bans."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from samspil.cases.models import Case, CaseParticipant
from samspil.cases.services import CaseError, CaseRefused, case_open, case_transition
from samspil.cases.types import orders
from samspil.cases.types.models import AreaBanArea, CaseIncidentLink, RestrainingOrder
from samspil.incidents.models import Incident


@pytest.fixture
def people(police: Any, make_person: Any) -> tuple[Any, Any]:
    return make_person(police), make_person(police)


def request_case(officer: Any, person: Any, variant: str = "ordinary") -> Case:
    case = case_open(actor=officer, case_type="restraining_order_request",
                     municipality=person.municipality, person=person,
                     fields={"variant": variant})
    return case_transition(actor=officer, case=case, action="visitate")


@pytest.fixture
def granted(officer: Any, people: tuple[Any, Any]) -> Case:
    protected, restrained = people
    case = request_case(officer, protected)
    today = timezone.localdate()
    orders.restraining_order_grant(actor=officer, case=case, starts_on=today - timedelta(days=30),
                                   ends_on=today + timedelta(days=365),
                                   restrained_person=restrained, conditions="Ingen kontakt")
    return Case.objects.get(pk=case.pk)


def test_granting_records_the_order_and_its_persons(granted: Case, people: Any) -> None:
    protected, restrained = people
    assert granted.state == "decided" and granted.outcome == "granted"
    order = RestrainingOrder.objects.get(case=granted)
    assert order.conditions == "Ingen kontakt"
    roles = set(CaseParticipant.objects.filter(case=granted).values_list("person_id", "role"))
    assert {(protected.pk, "protected"), (restrained.pk, "restrained")} <= roles


def test_an_order_lasts_at_most_five_years(officer: Any, people: Any) -> None:
    protected, restrained = people
    case = request_case(officer, protected)
    start = date(2028, 2, 29)
    with pytest.raises(CaseError, match="5"):
        orders.restraining_order_grant(actor=officer, case=case, starts_on=start,
                                       ends_on=date(2033, 3, 1), restrained_person=restrained)
    order = orders.restraining_order_grant(actor=officer, case=case, starts_on=start,
                                           ends_on=date(2033, 2, 28),
                                           restrained_person=restrained)
    assert order.ends_on == date(2033, 2, 28)


def test_an_immediate_order_has_a_60_day_deadline_shown_on_the_page(
    officer: Any, people: Any, client_for: Any
) -> None:
    case = request_case(officer, people[0], variant="immediate")
    assert case.due_date == timezone.localdate(case.opened_at) + timedelta(days=60)
    page = client_for(officer).get(f"/sager/{case.pk}/")
    assert b"data-immediate-deadline" in page.content
    assert case.due_date.strftime("%d.%m.%Y").encode() in page.content


def test_a_breach_becomes_a_linked_incident_with_the_restrained_suspect(
    officer: Any, granted: Case, people: Any
) -> None:
    incident = orders.order_breach_register(actor=officer, case=granted,
                                            occurred_at=timezone.now() - timedelta(days=2),
                                            narrative="Mødte op ved boligen")
    assert incident.category.code == "restraining_order_breach"
    suspects = set(incident.involvements.filter(role="suspect").values_list("person_id",
                                                                             flat=True))
    assert suspects == {people[1].pk}
    assert CaseIncidentLink.objects.filter(case=granted, incident=incident, kind="breach").exists()
    assert not orders.stalking_suspected(case=granted)


def test_two_breaches_in_twelve_months_flag_possible_stalking(
    officer: Any, granted: Case, client_for: Any
) -> None:
    for days in (20, 3):
        orders.order_breach_register(actor=officer, case=granted,
                                     occurred_at=timezone.now() - timedelta(days=days))
    assert orders.stalking_suspected(case=granted)
    assert orders.stalking_case_ids([granted.pk]) == {granted.pk}
    page = client_for(officer).get(f"/sager/{granted.pk}/")
    assert b'data-flag="stalking"' in page.content
    queue = client_for(officer).get("/sager/koe/alle/")
    assert b'data-flag="stalking-queue"' in queue.content
    assert granted.case_ref.encode() in queue.content


def test_the_queue_notice_is_not_shown_to_an_outsider(
    officer: Any, outsider: Any, granted: Case, client_for: Any
) -> None:
    for days in (20, 3):
        orders.order_breach_register(actor=officer, case=granted,
                                     occurred_at=timezone.now() - timedelta(days=days))
    queue = client_for(outsider).get("/sager/koe/alle/")
    assert granted.case_ref.encode() not in queue.content


def test_the_stalking_rule_counts_only_the_last_twelve_months() -> None:
    now = timezone.now()
    assert not orders.stalking_rule_met([now - timedelta(days=400), now], now=now)
    assert orders.stalking_rule_met([now - timedelta(days=300), now], now=now)


def test_a_breach_outside_the_period_or_by_the_wrong_user_is_refused(
    officer: Any, caseworker: Any, outsider: Any, granted: Case
) -> None:
    with pytest.raises(CaseError):
        orders.order_breach_register(actor=officer, case=granted,
                                     occurred_at=timezone.now() - timedelta(days=60))
    for user in (caseworker, outsider):
        with pytest.raises(CaseRefused):
            orders.order_breach_register(actor=user, case=granted, occurred_at=timezone.now())
    assert not Incident.objects.filter(category__code="restraining_order_breach").exists()


def test_an_outsider_cannot_grant(outsider: Any, officer: Any, people: Any) -> None:
    case = request_case(officer, people[0])
    with pytest.raises(CaseRefused):
        orders.restraining_order_grant(actor=outsider, case=case,
                                       starts_on=timezone.localdate(),
                                       ends_on=timezone.localdate(), restrained_person=people[1])
    assert not RestrainingOrder.objects.exists()


# --- Area bans ----------------------------------------------------------------------------------

ROSKILDE = (55.6415, 12.0803)


def test_an_area_ban_around_a_point_needs_500_to_1000_metres(officer: Any, people: Any) -> None:
    person = people[0]
    common = {"actor": officer, "municipality": person.municipality, "person": person,
              "justification": "Gentagne episoder på torvet", "plagued_confirmed": True,
              "lat": ROSKILDE[0], "lon": ROSKILDE[1]}
    for radius in (499, 1001):
        with pytest.raises(CaseError):
            orders.area_ban_open(radius_m=radius, **common)
    case = orders.area_ban_open(radius_m=500, **common)
    assert case.due_date == timezone.localdate(case.opened_at) + timedelta(days=30)
    assert AreaBanArea.objects.get(case=case).radius_m == 500


def test_an_area_ban_needs_the_confirmation_and_a_justification(officer: Any,
                                                                 people: Any) -> None:
    person = people[0]
    with pytest.raises(CaseError):
        orders.area_ban_open(actor=officer, municipality=person.municipality, person=person,
                             justification="x", plagued_confirmed=False, lat=ROSKILDE[0],
                             lon=ROSKILDE[1], radius_m=500)
    with pytest.raises(CaseError):
        orders.area_ban_open(actor=officer, municipality=person.municipality, person=person,
                             justification=" ", plagued_confirmed=True, lat=ROSKILDE[0],
                             lon=ROSKILDE[1], radius_m=500)


def _square(lat: float, lon: float, d: float) -> list[list[float]]:
    return [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d],
            [lon - d, lat - d]]


def test_a_drawn_area_must_be_closed_valid_small_and_in_denmark(officer: Any,
                                                                people: Any) -> None:
    person = people[0]
    common = {"actor": officer, "municipality": person.municipality, "person": person,
              "justification": "Utryghed ved stationen", "plagued_confirmed": True}
    square = _square(*ROSKILDE, 0.003)
    bowtie = [square[0], square[2], square[1], square[3], square[0]]
    for ring in (square[:-1], bowtie, _square(*ROSKILDE, 0.05), _square(48.85, 2.35, 0.003)):
        with pytest.raises(CaseError):
            orders.area_ban_open(ring=ring, **common)
    case = orders.area_ban_open(ring=square, **common)
    area = AreaBanArea.objects.get(case=case)
    assert 0 < area.radius_m <= 1000 and len(area.ring) == 5


def test_extensions_stop_at_six_months_with_the_engines_message(officer: Any,
                                                               people: Any) -> None:
    person = people[0]
    case = orders.area_ban_open(actor=officer, municipality=person.municipality, person=person,
                                justification="Torvet", plagued_confirmed=True,
                                lat=ROSKILDE[0], lon=ROSKILDE[1], radius_m=600)
    extended = 0
    with pytest.raises(CaseError) as refused:
        for number in range(10):
            orders.area_ban_extend(actor=officer, case=case, reason=f"Fortsat uro {number}",
                                   after_breach=number == 0)
            extended += 1
    assert 1 <= extended < 10
    assert "maximum" in str(refused.value) or "maksimal" in str(refused.value)
    assert Case.objects.get(pk=case.pk).fields["extension_reason"].startswith("Fortsat")


def test_an_outsider_cannot_issue_or_extend_an_area_ban(officer: Any, outsider: Any,
                                                        caseworker: Any, people: Any) -> None:
    person = people[0]
    case = orders.area_ban_open(actor=officer, municipality=person.municipality, person=person,
                                justification="Torvet", plagued_confirmed=True,
                                lat=ROSKILDE[0], lon=ROSKILDE[1], radius_m=600)
    for user in (outsider, caseworker):
        with pytest.raises(CaseRefused):
            orders.area_ban_extend(actor=user, case=case, reason="Nej")
    with pytest.raises(CaseRefused):
        orders.area_ban_open(actor=outsider, municipality=person.municipality, person=person,
                             justification="x", plagued_confirmed=True, lat=ROSKILDE[0],
                             lon=ROSKILDE[1], radius_m=600)
