"""The fora registry, its compliance view, meetings with agenda, attendance, minutes and actions
that come back until done, and agenda and minutes as PDF."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from samspil.audit.models import AuditEntry
from samspil.meetings.constants import ComplianceColour, ForumKind, MeetingStatus
from samspil.meetings.documents import meeting_pdf
from samspil.meetings.models import Forum
from samspil.meetings.selectors import (
    agenda_for,
    compliance_colour,
    forum_compliance,
    meeting_list,
)
from samspil.meetings.services import (
    action_complete,
    action_create,
    agenda_item_add,
    attendance_set,
    fora_defaults_create,
    meeting_create,
    meeting_set_status,
    minutes_record,
)
from samspil.meetings.tests.conftest import when

pytestmark = pytest.mark.django_db


def test_the_default_fora_of_a_district_follow_appendix_1(district):
    fora = fora_defaults_create(district=district)
    kinds = {f.kind for f in fora}
    assert kinds == set(ForumKind.values)
    municipalities = district.municipalities.count()
    assert sum(f.kind == ForumKind.SSP for f in fora) == municipalities
    assert sum(f.kind == ForumKind.PSP for f in fora) == municipalities
    lokalraad = sorted(f.name for f in fora if f.kind == ForumKind.LOKALRAAD)
    assert lokalraad == ["Lokalråd Midt", "Lokalråd Vest", "Lokalråd Øst"]
    kredsraad = Forum.objects.get(kind=ForumKind.KREDSRAAD)
    assert kredsraad.meetings_min == 4 and "§§ 111–112" in kredsraad.legal_basis
    psp = Forum.objects.get(kind=ForumKind.PSP, municipality__code="265")
    assert (psp.meetings_min, psp.meetings_max, psp.disclosure_expiry_days) == (8, 10, 365)
    assert psp.disclosure_basis == "rpl_115_1_2"
    ksp = Forum.objects.get(kind=ForumKind.KSP)
    assert (ksp.meetings_min, ksp.meetings_max, ksp.disclosure_expiry_days) == (1, 2, 180)
    # Safe to run again: nothing new, one audit entry per batch.
    again = fora_defaults_create(district=district)
    assert {f.pk for f in again} == {f.pk for f in fora}
    assert Forum.objects.count() == len(fora)
    assert AuditEntry.objects.filter(object_type="meetings.forum", reason="fora defaults"
                                     ).count() == 2


def test_a_municipality_gets_only_its_own_fora_besides_the_district_ones(district):
    from samspil.organisations.models import Municipality

    fora = fora_defaults_create(district=district,
                                municipality=Municipality.objects.get(code="259"))
    assert {f.municipality.code for f in fora if f.municipality} == {"259"}


@pytest.mark.parametrize(("held", "planned", "minimum", "colour"), [
    (4, 0, 4, ComplianceColour.GREEN),
    (5, 0, 4, ComplianceColour.GREEN),
    (0, 0, 0, ComplianceColour.GREEN),
    (2, 2, 4, ComplianceColour.AMBER),
    (3, 0, 4, ComplianceColour.RED),
    (6, 1, 8, ComplianceColour.RED),
])
def test_compliance_colours(held, planned, minimum, colour):
    assert compliance_colour(held=held, planned=planned, minimum=minimum) == colour


def test_compliance_counts_held_planned_and_cancelled_meetings(officer, psp_forum):
    with time_machine.travel(when(2026, 6, 1, 12), tick=False):
        for month in (1, 2, 3):
            meeting = meeting_create(actor=officer, forum=psp_forum,
                                     starts_at=when(2026, month, 10, 14))
            meeting_set_status(actor=officer, meeting=meeting, status=MeetingStatus.HELD)
        cancelled = meeting_create(actor=officer, forum=psp_forum,
                                   starts_at=when(2026, 4, 10, 14))
        meeting_set_status(actor=officer, meeting=cancelled, status=MeetingStatus.CANCELLED)
        for month in (9, 10, 11, 12):
            meeting_create(actor=officer, forum=psp_forum, starts_at=when(2026, month, 10, 14))
        (row,) = forum_compliance(user=officer, year=2026, forum=psp_forum)
        assert (row.held, row.planned, row.cancelled) == (3, 4, 1)
        assert row.colour == ComplianceColour.RED  # 3 + 4 < 8
        meeting_create(actor=officer, forum=psp_forum, starts_at=when(2026, 12, 20, 14))
        (row,) = forum_compliance(user=officer, year=2026, forum=psp_forum)
        assert row.colour == ComplianceColour.AMBER


def test_a_meeting_cannot_be_held_before_it_starts(officer, psp_forum):
    meeting = meeting_create(actor=officer, forum=psp_forum,
                             starts_at=timezone.now() + timedelta(days=3))
    with pytest.raises(ValidationError):
        meeting_set_status(actor=officer, meeting=meeting, status=MeetingStatus.HELD)


def test_open_actions_come_back_on_the_next_agenda_until_done(officer, coordinator, psp_forum,
                                                              roskilde):
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=60), tick=False):
        first = meeting_create(actor=officer, forum=psp_forum,
                               starts_at=timezone.now() + timedelta(hours=1))
        item = agenda_item_add(actor=officer, meeting=first, topic="Status på praksisgruppen")
        action = action_create(actor=officer, forum=psp_forum, meeting=first, agenda_item=item,
                               title="Opdatere kontaktlisten", owner_organisation=roskilde,
                               due_date=timezone.localdate() + timedelta(days=20))
    with time_machine.travel(start - timedelta(days=30), tick=False):
        second = meeting_create(actor=officer, forum=psp_forum,
                                starts_at=timezone.now() + timedelta(hours=1))
    third = meeting_create(actor=coordinator, forum=psp_forum,
                           starts_at=timezone.now() + timedelta(days=30))
    assert [v.action for v in agenda_for(user=officer, meeting=second).carried] == [action]
    assert [v.action for v in agenda_for(user=officer, meeting=third).carried] == [action]
    assert agenda_for(user=officer, meeting=first).carried == []
    action_complete(actor=coordinator, action=action)
    assert agenda_for(user=officer, meeting=third).carried == []
    # The second meeting started before it was done: its agenda still shows it.
    assert [v.action for v in agenda_for(user=officer, meeting=second).carried] == [action]


def test_attendance_minutes_and_the_calendar(officer, coordinator, psp_forum):
    meeting = meeting_create(actor=officer, forum=psp_forum, starts_at=when(2030, 3, 4, 9),
                             place="Roskilde Rådhus")
    members = list(psp_forum.members.order_by("pk"))
    attendance_set(actor=officer, meeting=meeting, present=members[:2], absent=members[2:],
                   guests=[("Gæst Gæstesen", "Boligselskabet")])
    rows = list(meeting.attendance.all())
    assert sum(r.present and r.member_id is not None for r in rows) == 2
    assert sum(not r.present for r in rows) == len(members) - 2
    item = agenda_item_add(actor=coordinator, meeting=meeting, topic="Evaluering")
    minutes_record(actor=coordinator, item=item, minutes="Drøftet.", decision="Fortsætter.")
    assert list(meeting_list(user=coordinator, forum=psp_forum)) == [meeting]
    assert list(meeting_list(user=coordinator, when="past")) == []


def _pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as workdir:
        pdf = Path(workdir) / "doc.pdf"
        pdf.write_bytes(content)
        return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout


def test_agenda_and_minutes_print_as_pdf_with_the_items(officer, psp_forum, roskilde,
                                                        raise_concern, client_for):
    meeting = meeting_create(actor=officer, forum=psp_forum, starts_at=when(2030, 3, 4, 9),
                             place="Roskilde Rådhus")
    item = agenda_item_add(actor=officer, meeting=meeting, topic="Status på praksisgruppen")
    agenda_item_add(actor=officer, meeting=meeting, topic="Næste års mødeplan")
    raise_concern(meeting=meeting)
    minutes_record(actor=officer, item=item, minutes="Gruppen mødes fortsat månedligt.",
                   decision="Mødeplanen godkendes.")
    action_create(actor=officer, forum=psp_forum, meeting=meeting, agenda_item=item,
                  title="Sende mødeplan ud", owner_organisation=roskilde,
                  due_date=when(2030, 3, 11, 0).date())
    agenda = agenda_for(user=officer, meeting=meeting)
    agenda_text = _pdf_text(meeting_pdf(agenda, minutes=False))
    assert "Dagsorden" in agenda_text
    assert "Status på praksisgruppen" in agenda_text and "Næste års mødeplan" in agenda_text
    assert "13–15 år" in agenda_text and "Roskilde" in agenda_text
    assert "Gruppen mødes" not in agenda_text
    minutes_text = _pdf_text(meeting_pdf(agenda, minutes=True))
    assert "Referat" in minutes_text and "Gruppen mødes fortsat månedligt." in minutes_text
    assert "Sende mødeplan ud" in minutes_text
    response = client_for(officer).get(f"/fora/moeder/{meeting.pk}/dagsorden.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Status på praksisgruppen" in _pdf_text(response.content)
