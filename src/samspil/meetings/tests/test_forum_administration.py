"""Administrators keep a forum's rules and members up to date in the UI: members are added,
changed and leave (kept in the history with the day they left), and only the district's
crime-prevention staff and administrators may do it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from samspil.audit.constants import Action
from samspil.audit.models import AuditEntry
from samspil.meetings.constants import MemberRole
from samspil.meetings.models import Forum, ForumMember
from samspil.meetings.services import (
    MeetingsError,
    attendance_set,
    forum_member_add,
    forum_member_end,
    may_take_part,
    meeting_create,
)
from samspil.meetings.tests.conftest import when

pytestmark = pytest.mark.django_db


def test_an_officer_adds_a_member_without_a_login_through_the_page(
    client_for: Any, officer: Any, psp_forum: Forum
) -> None:
    client = client_for(officer)
    page = client.get(f"/fora/{psp_forum.pk}/")
    assert f"/fora/{psp_forum.pk}/medlemmer/ny/" in page.content.decode()
    response = client.post(f"/fora/{psp_forum.pk}/medlemmer/ny/", {
        "organisation": officer.organisation.pk, "external_name": "Skoleleder Birk",
        "title": "Skoleleder", "role": MemberRole.MEMBER, "email": "", "phone": "",
    })
    assert response.status_code == 302
    member = psp_forum.members.get(external_name="Skoleleder Birk")
    assert AuditEntry.objects.filter(action=Action.CREATE, object_type="meetings.forummember",
                                     object_id=str(member.pk)).exists()


def test_a_member_needs_a_user_or_a_name_and_the_page_says_so_in_danish(
    client_for: Any, officer: Any, psp_forum: Forum
) -> None:
    client = client_for(officer)
    before = ForumMember.objects.count()
    response = client.post(f"/fora/{psp_forum.pk}/medlemmer/ny/", {
        "organisation": officer.organisation.pk, "role": MemberRole.MEMBER,
    }, HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 200
    assert "Vælg en bruger" in response.content.decode()
    assert ForumMember.objects.count() == before


def test_a_member_who_leaves_is_kept_in_the_history_and_no_longer_takes_part(
    client_for: Any, officer: Any, probation_user: Any, psp_forum: Forum
) -> None:
    member = psp_forum.members.get(user=probation_user)
    assert may_take_part(probation_user, psp_forum)
    client = client_for(officer)
    today = timezone.localdate()
    response = client.post(f"/fora/medlemmer/{member.pk}/udtraeder/",
                           {"left_on": today.isoformat()})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on == today
    assert not may_take_part(probation_user, psp_forum)
    page = client.get(f"/fora/{psp_forum.pk}/").content.decode()
    assert "Former members" in page or "Tidligere medlemmer" in page
    # Leaving twice is refused, and the member may join again later.
    with pytest.raises(MeetingsError):
        forum_member_end(actor=officer, member=member)
    again = forum_member_add(actor=officer, forum=psp_forum,
                             organisation=probation_user.organisation, user=probation_user)
    assert again.pk != member.pk and may_take_part(probation_user, psp_forum)


def test_a_member_who_has_left_cannot_be_recorded_at_a_later_meeting(
    officer: Any, coordinator: Any, probation_user: Any, psp_forum: Forum
) -> None:
    member = psp_forum.members.get(user=probation_user)
    forum_member_end(actor=officer, member=member,
                     left_on=timezone.localdate() - timedelta(days=30))
    meeting = meeting_create(actor=coordinator, forum=psp_forum, starts_at=when(2099, 1, 10, 9))
    with pytest.raises(MeetingsError):
        attendance_set(actor=coordinator, meeting=meeting, present=[member])


def test_changing_a_member_is_audited_with_old_and_new_values(
    client_for: Any, officer: Any, psychiatry_user: Any, psp_forum: Forum
) -> None:
    member = psp_forum.members.get(user=psychiatry_user)
    response = client_for(officer).post(f"/fora/medlemmer/{member.pk}/", {
        "title": "Overlæge", "role": MemberRole.VICE_CHAIR, "email": "", "phone": "",
    })
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == MemberRole.VICE_CHAIR
    entry = AuditEntry.objects.filter(action=Action.UPDATE, object_type="meetings.forummember",
                                      object_id=str(member.pk)).latest("pk")
    assert entry.changes["role"] == [MemberRole.MEMBER, MemberRole.VICE_CHAIR]


def test_an_administrator_edits_the_forums_rules_and_a_bad_range_is_refused(
    client_for: Any, officer: Any, psp_forum: Forum
) -> None:
    client = client_for(officer)
    url = f"/fora/{psp_forum.pk}/rediger/"
    form = client.get(url).context["form"]
    data = {name: ("on" if value is True else "" if value in (None, False) else value)
            for name, value in form.initial.items() if name in form.fields}
    bad = client.post(url, {**data, "meetings_min": 6, "meetings_max": 4})
    assert bad.status_code == 200
    psp_forum.refresh_from_db()
    assert psp_forum.meetings_min != 6
    good = client.post(url, {**data, "meetings_min": 6, "meetings_max": 10})
    assert good.status_code == 302
    psp_forum.refresh_from_db()
    assert (psp_forum.meetings_min, psp_forum.meetings_max) == (6, 10)


@pytest.mark.parametrize("who", ["coordinator", "caseworker", "outsider"])
def test_others_may_not_administer_the_forum(
    request: pytest.FixtureRequest, client_for: Any, psp_forum: Forum, who: str
) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    member = psp_forum.members.first()
    assert member is not None
    before = (ForumMember.objects.count(), Forum.objects.get(pk=psp_forum.pk).meetings_min)
    for url in (f"/fora/{psp_forum.pk}/rediger/", f"/fora/{psp_forum.pk}/medlemmer/ny/",
                f"/fora/medlemmer/{member.pk}/"):
        assert client.get(url).status_code == 403
    assert client.post(f"/fora/{psp_forum.pk}/medlemmer/ny/", {
        "organisation": user.organisation.pk, "external_name": "X", "role": "member",
    }).status_code == 403
    assert client.post(f"/fora/medlemmer/{member.pk}/udtraeder/",
                       {"left_on": timezone.localdate().isoformat()}).status_code == 403
    assert client.post(f"/fora/{psp_forum.pk}/rediger/", {"meetings_min": 9}).status_code == 403
    member.refresh_from_db()
    assert member.left_on is None
    assert before == (ForumMember.objects.count(),
                      Forum.objects.get(pk=psp_forum.pk).meetings_min)


def test_a_case_goes_on_the_agenda_by_its_reference_and_an_unknown_one_is_refused(
    client_for: Any, officer: Any, psp_forum: Forum,
    person: Any,
) -> None:
    from samspil.cases.services import case_open
    from samspil.meetings.models import AgendaItem
    from samspil.organisations.models import Municipality

    case = case_open(actor=officer, case_type="ukn_screening",
                     municipality=Municipality.objects.get(code="265"), person=person,
                     crime_class="anden_alvorlig")
    meeting = meeting_create(actor=officer, forum=psp_forum, starts_at=when(2099, 2, 1, 9))
    client = client_for(officer)
    client.post(f"/fora/moeder/{meeting.pk}/punkter/ny/", {"case_ref": case.case_ref})
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.case_id == case.pk and item.kind == "case"
    assert person.family_name not in item.topic
    # An unknown reference is refused with a message and writes nothing.
    response = client.post(f"/fora/moeder/{meeting.pk}/punkter/ny/", {"case_ref": "XX-0"},
                           follow=True)
    assert "XX-0" in response.content.decode()
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1
