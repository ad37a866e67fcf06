"""The case queues: soonest deadline first, warnings at 7 and 3 days, overdue, no COUNT, and a
constant number of queries per page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samspil.audit.models import AuditEntry
from samspil.cases import selectors, services
from samspil.organisations.models import Municipality

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 16)


def opened_days_ago(days: int) -> datetime:
    day = TODAY - timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, 9, 0))


@pytest.fixture
def ukn_cases(officer, police, make_person):
    """UKN screenings with 30, 8, 7, 3, 0 and -2 days left on TODAY."""
    roskilde = Municipality.objects.get(code="265")
    cases = {}
    for left in (30, 8, 7, 3, 0, -2):
        cases[left] = services.case_open(
            actor=officer, case_type="ukn_screening", municipality=roskilde,
            person=make_person(police), crime_class="anden", opened_at=opened_days_ago(30 - left),
        )
    return cases


def test_the_ukn_queue_is_sorted_by_days_left_with_warnings_at_7_and_3(officer, ukn_cases):
    page = selectors.case_queue(user=officer, queue="all", case_type="ukn_screening",
                                today=TODAY)
    assert [row.deadline.days_left for row in page.rows] == [-2, 0, 3, 7, 8, 30]
    assert [row.deadline.status for row in page.rows] == [
        "overdue", "warning", "warning", "warning", "ok", "ok",
    ]
    assert [row.deadline.threshold for row in page.rows] == [None, 3, 3, 7, None, None]
    assert not page.has_next


def test_the_overdue_and_due_soon_queues(officer, ukn_cases):
    overdue = selectors.case_queue(user=officer, queue="overdue", today=TODAY)
    assert [row.case for row in overdue.rows] == [ukn_cases[-2]]
    soon = selectors.case_queue(user=officer, queue="due_soon", today=TODAY)
    assert [row.deadline.days_left for row in soon.rows] == [0, 3, 7]


def test_closed_cases_leave_the_queues(officer, ukn_cases):
    services.case_transition(actor=officer, case=ukn_cases[-2], action="screen",
                             outcome="not_relevant")
    page = selectors.case_queue(user=officer, queue="overdue", today=TODAY)
    assert page.rows == []


def test_mine_and_unassigned(officer, second_officer, ukn_cases):
    services.cases_bulk_assign(actor=officer, case_ids=[ukn_cases[3].pk, ukn_cases[30].pk],
                               assignee=officer)
    mine = selectors.case_queue(user=officer, queue="mine", today=TODAY)
    assert [row.case for row in mine.rows] == [ukn_cases[3], ukn_cases[30]]
    assert selectors.case_queue(user=second_officer, queue="mine", today=TODAY).rows == []
    unassigned = selectors.case_queue(user=second_officer, queue="unassigned", today=TODAY)
    assert len(unassigned.rows) == 4


def test_pages_know_whether_there_is_a_next_page_without_counting(officer, ukn_cases):
    with CaptureQueriesContext(connection) as queries:
        first = selectors.case_queue(user=officer, queue="all", page_size=4, today=TODAY)
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    second = selectors.case_queue(user=officer, queue="all", page=2, page_size=4, today=TODAY)
    assert first.has_next and not second.has_next
    assert len(first.rows) == 4 and len(second.rows) == 2
    assert {r.case.pk for r in first.rows}.isdisjoint({r.case.pk for r in second.rows})


def test_the_queue_takes_the_same_number_of_queries_for_any_page_size(
    officer, police, make_person, ukn_cases, django_assert_max_num_queries
):
    officer.role_codes  # noqa: B018 - loaded once per request by the middleware in real use
    with CaptureQueriesContext(connection) as small:
        selectors.case_queue(user=officer, queue="all", page_size=1, today=TODAY)
    with CaptureQueriesContext(connection) as large:
        selectors.case_queue(user=officer, queue="all", page_size=25, today=TODAY)
    assert len(small.captured_queries) == len(large.captured_queries)
    with django_assert_max_num_queries(len(large.captured_queries)):
        selectors.case_queue(user=officer, queue="all", page_size=100, today=TODAY)


def test_the_queue_page_logs_what_it_showed_in_one_entry_per_record_type(officer, ukn_cases):
    page = selectors.case_queue(user=officer, queue="all", today=TODAY)
    reads = AuditEntry.objects.filter(actor_username=officer.username, action="read")
    shown = {entry.object_type: entry.object_ids for entry in reads}
    assert shown == {
        "cases.case": [str(row.case.pk) for row in page.rows],
        "persons.person": [str(row.person.pk) for row in page.rows if row.person],
    }


def test_the_dpo_finds_every_case_and_person_a_queue_page_showed(officer, dpo, ukn_cases):
    from samspil.audit.selectors import AuditQuery, audit_entries_search

    page = selectors.case_queue(user=officer, queue="all", today=TODAY)
    shown = [("cases.case", row.case.pk) for row in page.rows] + [
        ("persons.person", row.person.pk) for row in page.rows if row.person
    ]
    assert len(shown) == 12
    for object_type, pk in shown:
        found = audit_entries_search(user=dpo, query=AuditQuery(
            object_type=object_type, object_id=str(pk), actor_username=officer.username))
        assert found.filter(action="read").count() == 1, (object_type, pk)


def test_a_bigger_page_writes_no_more_audit_rows(officer, ukn_cases):
    before = AuditEntry.objects.count()
    selectors.case_queue(user=officer, queue="all", page_size=2, today=TODAY)
    small = AuditEntry.objects.count() - before
    selectors.case_queue(user=officer, queue="all", page_size=100, today=TODAY)
    assert AuditEntry.objects.count() - before - small == small == 2


def test_a_person_the_user_may_not_read_is_neither_shown_nor_logged(
    other_caseworker, officer, ukn_cases
):
    """Køge was given the case (a grant on the case alone), not the police's person behind it."""
    from samspil.access.services import record_access_grant

    case = ukn_cases[3]
    record_access_grant(organisation_id=other_caseworker.organisation_id, subject=case,
                        source=case)
    page = selectors.case_queue(user=other_caseworker, queue="all", today=TODAY)
    assert [(row.case, row.person) for row in page.rows] == [(case, None)]
    logged = AuditEntry.objects.filter(actor_username=other_caseworker.username)
    assert [(e.object_type, e.object_id) for e in logged] == [("cases.case", str(case.pk))]


def test_the_municipality_sees_its_participations_and_others_see_nothing(
    caseworker, other_caseworker, outsider, ukn_cases
):
    assert len(selectors.case_queue(user=caseworker, queue="all", today=TODAY).rows) == 6
    assert selectors.case_queue(user=other_caseworker, queue="all", today=TODAY).rows == []
    assert selectors.case_queue(user=outsider, queue="all", today=TODAY).rows == []


def test_the_queue_page_renders_badges_and_a_constant_query_count(
    client_for, officer, ukn_cases, django_assert_max_num_queries
):
    client = client_for(officer)
    with time_machine.travel(datetime(2025, 6, 16, 10, 0, tzinfo=timezone.get_current_timezone())):
        client.get("/sager/koe/alle/")  # warm up the session and the user's roles
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/sager/koe/alle/", {"case_type": "ukn_screening"})
        with django_assert_max_num_queries(len(queries.captured_queries)):
            client.get("/sager/koe/alle/", {"case_type": "ukn_screening", "page": 1})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-deadline="overdue"') == 1
    assert html.count('data-deadline="warning"') == 3
    assert html.index(ukn_cases[-2].case_ref) < html.index(ukn_cases[30].case_ref)


def test_the_outsider_gets_an_empty_queue_page(client_for, outsider, ukn_cases):
    response = client_for(outsider).get("/sager/koe/alle/")
    assert response.status_code == 200
    assert ukn_cases[3].case_ref not in response.content.decode()


def test_roles_without_casework_are_refused_the_queues(client_for, dpo):
    assert client_for(dpo).get("/sager/").status_code == 403
    assert client_for(dpo).get("/api/v1/cases").status_code == 403
