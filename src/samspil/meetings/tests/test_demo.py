"""The demo fora build through the services, with colours in the compliance view, and run twice
without duplicating anything."""

from __future__ import annotations

import pytest
from django.utils import timezone

from samspil.demo.organisations import demo_organisations_build, demo_users_build
from samspil.meetings.constants import ConcernStatus, ForumKind
from samspil.meetings.demo import demo_fora_build
from samspil.meetings.models import Concern, Forum, Meeting
from samspil.meetings.selectors import forum_compliance

pytestmark = pytest.mark.django_db


def test_the_demo_district_gets_its_fora_a_year_of_meetings_and_discussions(reference):
    organisations = demo_organisations_build()
    users = {u.username: u for u in demo_users_build(organisations)}
    year = timezone.localdate().year
    counts = demo_fora_build(seed=7, year=year)
    assert Forum.objects.filter(kind=ForumKind.KREDSRAAD).count() == 1
    assert Forum.objects.filter(kind=ForumKind.LOKALRAAD).count() == 3
    assert Forum.objects.filter(kind=ForumKind.SSP).count() == 10
    assert Forum.objects.filter(kind=ForumKind.PSP).count() == 10
    assert Forum.objects.filter(kind=ForumKind.KSP).count() == 1
    assert counts["meetings"] == Meeting.objects.count() > 100
    assert all(f.members.exists() for f in Forum.objects.all())
    statuses = set(Concern.objects.values_list("status", flat=True))
    assert {ConcernStatus.RAISED, ConcernStatus.NOT_MET, ConcernStatus.DISCLOSED} <= statuses
    assert not Concern.objects.filter(status=ConcernStatus.NOT_MET, person__isnull=False).exists()
    assert all(m.is_synthetic for m in Meeting.objects.all())
    rows = forum_compliance(user=users["betjent"], year=year)
    assert len(rows) == 25
    again = demo_fora_build(seed=7, year=year)
    assert again["meetings"] == 0 and again["concerns"] == 0
    assert Meeting.objects.count() == counts["meetings"]
