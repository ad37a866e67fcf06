"""Every de-identified view — pages, PDF documents and API answers — is scanned for the person's
name, CPR number, address, birth date (in several formats) and the words of the incident
narrative, at every step of the sharing. None may appear."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from samspil.access.constants import LegalBasis
from samspil.meetings.models import Concern
from samspil.meetings.services import (
    concern_disclose,
    concern_threshold_decide,
    meeting_create,
    minutes_record,
)
from samspil.meetings.tests.conftest import ADDRESS, BIRTH, CPR, FAMILY, GIVEN, NARRATIVE, when

pytestmark = pytest.mark.django_db

FORBIDDEN = [
    GIVEN, FAMILY, "Moerkegaard", CPR, CPR.replace("-", ""), CPR[:6], ADDRESS, "Skovbrynet",
    BIRTH.strftime("%d.%m.%Y"), f"{BIRTH.day}.{BIRTH.month}.{BIRTH.year}",
    BIRTH.isoformat(), BIRTH.strftime("%d/%m/%Y"), BIRTH.strftime("%d-%m-%Y"), "7. maj 2011",
    *re.findall(r"\w{6,}", NARRATIVE),
]
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as workdir:
        pdf = Path(workdir) / "doc.pdf"
        pdf.write_bytes(content)
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout


def _assert_clean(text: str, where: str) -> None:
    lowered = text.lower()
    found = [word for word in FORBIDDEN if word.lower() in lowered]
    assert not found, f"{where} shows {found}"


def _scan(client, urls: list[str]) -> None:
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"] == "application/pdf":
            text = _pdf_text(response.content)
        else:
            text = _CSRF.sub("", response.content.decode())
        _assert_clean(text, url)


def test_no_de_identified_view_shows_identity_or_narrative_at_any_step(
        client_for, officer, coordinator, probation_user, psychiatry_user, person, psp_incident,
        raise_concern, psp_forum, psychiatry, roskilde):
    meeting = meeting_create(actor=officer, forum=psp_forum, starts_at=when(2030, 3, 4, 9))
    concern = raise_concern(meeting=meeting)
    item = concern.agenda_items.get()
    minutes_record(actor=coordinator, item=item, minutes="Drøftet uden identitet.",
                   decision="Tærsklen vurderes.")
    urls = [
        f"/fora/bekymringer/{concern.pk}/", f"/fora/{psp_forum.pk}/",
        f"/fora/moeder/{meeting.pk}/", f"/fora/moeder/{meeting.pk}/dagsorden.pdf",
        f"/fora/moeder/{meeting.pk}/referat.pdf",
        f"/api/v1/concerns/{concern.pk}", f"/api/v1/concerns?forum={psp_forum.pk}",
        f"/api/v1/meetings/{meeting.pk}/agenda",
    ]
    viewers = [client_for(u) for u in (officer, coordinator, probation_user, psychiatry_user)]
    for client in viewers:
        _scan(client, urls)
    concern_threshold_decide(actor=coordinator, concern=concern, met=True, reason="Ja.")
    for client in viewers:
        _scan(client, urls)
    concern_disclose(actor=officer, concern=Concern.objects.get(pk=concern.pk),
                     lead_organisation=psychiatry, assisting_organisations=[roskilde],
                     legal_basis=LegalBasis.RPL_115_1_2, what_is_shared="Navn og CPR-nummer")
    # Even the agencies that now know the person see the forum's view without identity.
    for client in viewers:
        _scan(client, urls)
    # The identified view does show the person, to the agencies named: the scan is not vacuous.
    identified = client_for(coordinator).get(f"/fora/bekymringer/{concern.pk}/identitet/")
    assert FAMILY in identified.content.decode()


def test_the_answer_to_raising_a_concern_through_the_api_is_de_identified(
        client_for, officer, person, psp_forum):
    response = client_for(officer).post("/api/v1/concerns", {
        "forum_id": psp_forum.pk, "person_id": person.pk, "reason": "Uro i hjemmet.",
        "risk_factors": ["mental_health"], "risk_text": "Flere episoder."},
        content_type="application/json")
    assert response.status_code == 201, response.content
    _assert_clean(response.content.decode(), "POST /api/v1/concerns")
    assert response.json()["age_band"] == "13-15"


def test_a_situation_naming_the_person_is_refused_through_the_api_with_the_reason(
        client_for, officer, person, psp_forum):
    response = client_for(officer).post("/api/v1/concerns", {
        "forum_id": psp_forum.pk, "person_id": person.pk, "reason": "Uro.",
        "risk_factors": ["mental_health"], "risk_text": f"{GIVEN} bor alene."},
        content_type="application/json")
    assert response.status_code == 400
    assert "risk_text" in response.json()
    assert not Concern.objects.exists()
