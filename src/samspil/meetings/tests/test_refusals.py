"""Every fora page and endpoint refuses an outsider (another police district) and an organisation
that does not sit in the forum (Køge), shows them no data, and the refusal is in the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from samspil.access.constants import LegalBasis
from samspil.audit.models import AuditEntry
from samspil.meetings.models import Action, Concern
from samspil.meetings.services import (
    action_create,
    agenda_item_add,
    concern_disclose,
    concern_threshold_decide,
    meeting_create,
)
from samspil.meetings.tests.conftest import FAMILY, when

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(officer, coordinator, person, psp_incident, raise_concern, psp_forum, psychiatry,
          roskilde):
    meeting = meeting_create(actor=officer, forum=psp_forum, starts_at=when(2030, 3, 4, 9))
    item = agenda_item_add(actor=officer, meeting=meeting, topic="Status")
    action = action_create(actor=officer, forum=psp_forum, meeting=meeting, agenda_item=item,
                           title="Hemmelig opgave", owner_organisation=roskilde,
                           due_date=timezone.localdate() + timedelta(days=7))
    concern = raise_concern(meeting=meeting)
    concern_threshold_decide(actor=coordinator, concern=concern, met=True, reason="Ja.")
    concern_disclose(actor=officer, concern=Concern.objects.get(pk=concern.pk),
                     lead_organisation=psychiatry, assisting_organisations=[roskilde],
                     legal_basis=LegalBasis.RPL_115_1_2, what_is_shared="Navn og CPR-nummer")
    return {"forum": psp_forum, "meeting": meeting, "item": item, "action": action,
            "concern": concern, "person": person}


def _gets(w):
    return [
        f"/fora/moeder/{w['meeting'].pk}/",
        f"/fora/moeder/{w['meeting'].pk}/deltagere/",
        f"/fora/moeder/{w['meeting'].pk}/dagsorden.pdf",
        f"/fora/moeder/{w['meeting'].pk}/referat.pdf",
        f"/fora/punkter/{w['item'].pk}/referat/",
        f"/fora/bekymringer/{w['concern'].pk}/",
        f"/fora/bekymringer/{w['concern'].pk}/identitet/",
        f"/fora/personer/{w['person'].pk}/videregivelser/",
        "/fora/psp/?kommune=265",
        "/fora/bekymringer/ny/",
        "/fora/moeder/ny/",
        f"/api/v1/meetings/{w['meeting'].pk}/agenda",
        f"/api/v1/actions?forum={w['forum'].pk}",
        f"/api/v1/concerns/{w['concern'].pk}",
        f"/api/v1/concerns?forum={w['forum'].pk}",
        f"/api/v1/meetings?forum={w['forum'].pk}",
        f"/api/v1/persons/{w['person'].pk}/disclosures",
        "/api/v1/psp/monitoring?municipality=265",
    ]


def _posts(w):
    m, c = w["meeting"].pk, w["concern"].pk
    return [
        (f"/fora/moeder/{m}/status/", {"status": "cancelled"}),
        (f"/fora/moeder/{m}/punkter/ny/", {"topic": "Indtrængen"}),
        (f"/fora/moeder/{m}/handlinger/ny/", {"title": "x", "owner_organisation": "1",
                                              "due_date": "2030-01-01"}),
        (f"/fora/moeder/{m}/deltagere/", {"guests": "Ubuden; gæst"}),
        (f"/fora/punkter/{w['item'].pk}/referat/", {"minutes": "Overskrevet"}),
        (f"/fora/handlinger/{w['action'].pk}/udfoert/", {"done": "1"}),
        (f"/fora/bekymringer/{c}/", {"decide": "1", "met": "no", "reason": "x"}),
        ("/fora/psp/udvaelg/", {"person": str(w["person"].pk)}),
    ]


def _api_posts(w, organisation_id):
    m, c = w["meeting"].pk, w["concern"].pk
    return [
        ("/api/v1/meetings", {"forum_id": w["forum"].pk, "starts_at": "2030-05-01T10:00:00Z"}),
        (f"/api/v1/meetings/{m}/agenda", {"topic": "Indtrængen"}),
        (f"/api/v1/meetings/{m}/status", {"status": "cancelled"}),
        ("/api/v1/actions", {"forum_id": w["forum"].pk, "title": "x",
                             "owner_organisation_id": organisation_id,
                             "due_date": "2030-01-01"}),
        ("/api/v1/actions", {"concern_id": c, "title": "x",
                             "owner_organisation_id": organisation_id,
                             "due_date": "2030-01-01"}),
        (f"/api/v1/actions/{w['action'].pk}/done", {"done": True}),
        ("/api/v1/concerns", {"forum_id": w["forum"].pk, "person_id": w["person"].pk,
                              "reason": "x", "risk_factors": ["violence"]}),
        (f"/api/v1/concerns/{c}/decision", {"met": False, "reason": "x"}),
        (f"/api/v1/concerns/{c}/disclosures", {"lead_organisation_id": organisation_id,
                                               "legal_basis": "rpl_115_1_2",
                                               "what_is_shared": "Alt"}),
        ("/api/v1/psp/discussions", {"person_id": w["person"].pk}),
    ]


@pytest.mark.parametrize("who", ["outsider", "other_caseworker"])
def test_every_page_and_endpoint_refuses_them_and_shows_nothing(request, client_for, world,
                                                                 who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    before = AuditEntry.objects.filter(action="read_denied", actor_username=user.username
                                       ).count()
    requests = 0
    for url in _gets(world):
        response = client.get(url)
        assert response.status_code == 403, url
        assert FAMILY not in response.content.decode(), url
        requests += 1
    for url, data in _posts(world):
        response = client.post(url, data)
        assert response.status_code == 403, url
        requests += 1
    for url, data in _api_posts(world, user.organisation_id):
        response = client.post(url, data, content_type="application/json")
        assert response.status_code == 403, (url, response.content)
        requests += 1
    refusals = AuditEntry.objects.filter(action="read_denied", actor_username=user.username
                                         ).count() - before
    assert refusals >= requests - 2  # the two "new" forms refuse before naming a record
    # Nothing changed.
    world["meeting"].refresh_from_db()
    assert world["meeting"].status == "planned"
    assert world["meeting"].items.count() == 2
    assert Action.objects.count() == 1
    assert Concern.objects.get().status == "disclosed"


def test_the_outsider_does_not_see_the_district_s_fora_or_ledger(client_for, outsider, world):
    client = client_for(outsider)
    assert client.get(f"/fora/{world['forum'].pk}/").status_code == 403
    assert client.get(f"/api/v1/fora/{world['forum'].pk}").status_code == 403
    assert client.get("/api/v1/fora").json() == {"results": []}
    assert world["forum"].name not in client.get("/fora/").content.decode()
    assert client.get("/api/v1/meetings").json() == []
    # The outsider is a DPO of another district: their ledger is empty of this district.
    assert client.get("/api/v1/disclosures").json()["count"] == 0
    assert FAMILY not in client.get("/fora/videregivelser/").content.decode()


def test_an_organisation_outside_the_forum_sees_its_registry_entry_but_no_meetings_or_concerns(
        client_for, other_caseworker, world):
    client = client_for(other_caseworker)
    page = client.get(f"/fora/{world['forum'].pk}/").content.decode()
    assert world["forum"].name in page
    assert f"B-{world['concern'].pk}" not in page
    assert "Status" not in client.get("/api/v1/meetings").content.decode()
    assert client.get("/fora/videregivelser/").status_code == 403
    assert client.get("/api/v1/disclosures").status_code == 403
    assert client.get("/fora/handlinger/").content.decode().count("Hemmelig opgave") == 0


def test_a_member_not_named_sees_the_intervention_only_as_existing(client_for, probation_user,
                                                                   psychiatry_user, roskilde,
                                                                   world):
    concern = world["concern"]
    action_create(actor=psychiatry_user, forum=world["forum"], concern=concern,
                  title="Hjemmebesøg hos familien", owner_organisation=roskilde,
                  due_date=timezone.localdate() + timedelta(days=7))
    page = client_for(probation_user).get("/fora/handlinger/").content.decode()
    assert "Hjemmebesøg" not in page
    assert f"B-{concern.pk}" in page
    assert "Hjemmebesøg" in client_for(psychiatry_user).get(
        f"/fora/bekymringer/{concern.pk}/identitet/").content.decode()
