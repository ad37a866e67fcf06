"""The disclosure ledger on the person (page, timeline, API), the DPO's listing, and the PSP
monitoring list with its selection for discussion."""

from __future__ import annotations

import pytest

from samspil.access.constants import LegalBasis
from samspil.audit.models import AuditEntry
from samspil.meetings.models import Concern
from samspil.meetings.services import concern_disclose, concern_threshold_decide
from samspil.meetings.tests.conftest import FAMILY

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclosed(officer, coordinator, raise_concern, psychiatry, roskilde):
    concern = raise_concern()
    concern_threshold_decide(actor=coordinator, concern=concern, met=True, reason="Ja.")
    concern_disclose(actor=officer, concern=Concern.objects.get(pk=concern.pk),
                     lead_organisation=psychiatry, assisting_organisations=[roskilde],
                     legal_basis=LegalBasis.RPL_115_1_2,
                     what_is_shared="Navn, CPR-nummer og PSP-hændelser")
    return concern


def test_the_owner_s_ledger_shows_every_disclosure_with_its_basis(client_for, officer, person,
                                                                   disclosed):
    data = client_for(officer).get(f"/api/v1/persons/{person.pk}/disclosures").json()
    rows = data["disclosures"]
    assert {r["to_organisation"] for r in rows} == {"Test Psykiatrien", "Test Roskilde"}
    assert all(r["legal_basis"] == "rpl_115_1_2" and r["active"] for r in rows)
    assert all(r["forum"] == "PSP-praksisgruppe Roskilde" and r["expires_at"] for r in rows)
    page = client_for(officer).get(f"/fora/personer/{person.pk}/videregivelser/")
    assert page.status_code == 200
    assert page.content.decode().count('data-legal-basis="rpl_115_1_2"') == 2


def test_a_recipient_sees_only_its_own_disclosure(client_for, caseworker, person, disclosed):
    rows = client_for(caseworker).get(f"/api/v1/persons/{person.pk}/disclosures").json()[
        "disclosures"]
    assert [r["to_organisation"] for r in rows] == ["Test Roskilde"]


def test_the_person_page_timeline_lists_the_disclosures(client_for, officer, person, disclosed):
    page = client_for(officer).get(f"/personer/{person.pk}/").content.decode()
    assert "Videregivet til Test Psykiatrien" in page
    assert f"/fora/personer/{person.pk}/videregivelser/" in page


def test_the_dpo_lists_disclosures_by_forum_basis_and_period_and_it_is_logged(
        client_for, dpo, person, psp_forum, disclosed):
    client = client_for(dpo)
    data = client.get("/api/v1/disclosures", {"forum": psp_forum.pk,
                                              "legal_basis": "rpl_115_1_2"}).json()
    assert data["count"] == 2 and data["by_legal_basis"] == {"rpl_115_1_2": 2}
    assert client.get("/api/v1/disclosures", {"legal_basis": "consent"}).json()["count"] == 0
    assert client.get("/api/v1/disclosures", {"date_to": "2000-01-01"}).json()["count"] == 0
    assert AuditEntry.objects.filter(actor_username="erik", action="search",
                                     object_type="access.disclosure").count() == 3
    page = client.get("/fora/videregivelser/")
    assert page.status_code == 200 and "Test Psykiatrien" in page.content.decode()
    ledger = client.get(f"/fora/personer/{person.pk}/videregivelser/").content.decode()
    assert person.person_key in ledger and FAMILY not in ledger


def test_the_police_see_the_whole_monitoring_list(client_for, officer, person, psp_incident):
    data = client_for(officer).get("/api/v1/psp/monitoring", {"municipality": "265"}).json()
    assert data["is_police"] is True
    (row,) = data["results"]
    assert row["person_id"] == person.pk and row["count"] == 1
    assert row["latest"][0]["journal_no"] == psp_incident.journal_no


def test_the_coordinator_sees_only_persons_disclosed_under_115_1_2_and_selects_them(
        client_for, coordinator, officer, person, psp_incident, raise_concern, psychiatry,
        roskilde):
    client = client_for(coordinator)
    before = client.get("/api/v1/psp/monitoring", {"municipality": "265"}).json()
    assert before["results"] == [] and before["not_shown"] == 1
    assert client.post("/api/v1/psp/discussions", {"person_id": person.pk},
                       content_type="application/json").status_code == 403
    concern = raise_concern()
    concern_threshold_decide(actor=coordinator, concern=concern, met=True, reason="Ja.")
    concern_disclose(actor=officer, concern=Concern.objects.get(pk=concern.pk),
                     lead_organisation=roskilde, assisting_organisations=[psychiatry],
                     legal_basis=LegalBasis.RPL_115_1_2,
                     what_is_shared="Navn, CPR-nummer og PSP-hændelser de seneste 12 mdr.")
    after = client.get("/api/v1/psp/monitoring", {"municipality": "265"}).json()
    (row,) = after["results"]
    assert row["person_id"] == person.pk and row["latest"][0]["journal_no"] == ""
    assert "Glasværkstedet" not in str(after)
    for _round in range(2):  # a person can be discussed again: a new case each time
        response = client.post("/api/v1/psp/discussions", {"person_id": person.pk},
                               content_type="application/json")
        assert response.status_code == 201, response.content
        assert response.json()["case_type"] == "psp_discussion"
    from samspil.cases.models import Case

    cases = Case.objects.filter(case_type="psp_discussion", person=person)
    assert cases.count() == 2
    assert {c.owner_organisation_id for c in cases} == {roskilde.pk}
    page = client.get("/fora/psp/").content.decode()
    assert FAMILY in page
    assert client.get("/api/v1/psp/monitoring", {"municipality": "265"}).json()[
        "results"][0]["discussions"] == 2


def test_another_municipality_s_coordinator_cannot_open_the_list(client_for, make_user, koege):
    from samspil.accounts.constants import Role

    other = make_user("karen", koege, Role.PSP_COORDINATOR)
    assert client_for(other).get("/fora/psp/?kommune=265").status_code == 403
    assert client_for(other).get("/api/v1/psp/monitoring",
                                 {"municipality": "265"}).status_code == 403
