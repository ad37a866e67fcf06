"""The plan pages: list, plan with the activities table and indicator values, the forms, the
evaluation and the PDF (checked as text with pdftotext)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from samspil.interchange.services import bundle_import
from samspil.plans.constants import PlanStatus
from samspil.plans.models import Activity, CooperationPlan, FocusArea, Indicator
from samspil.plans.tests.conftest import burglary_bundle_files

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_districts_plans_by_year(client_for, caseworker, plan):
    page = client_for(caseworker).get("/planer/?year=2025")
    assert page.status_code == 200
    assert plan.title in page.content.decode()
    assert plan.title not in client_for(caseworker).get("/planer/?year=2024").content.decode()


def test_the_plan_page_shows_activities_and_measured_indicators(
        client_for, officer, administrator, police, burglaries, bundle):
    assert bundle_import(actor=administrator, organisation=police, is_synthetic=True,
                         path=bundle(burglary_bundle_files([
                             ("PL-1", "2024-04-01T10:00:00", "265"),
                             ("PL-2", "2024-05-01T10:00:00", "265"),
                             ("PL-3", "2025-04-01T10:00:00", "265"),
                         ]))).ok
    html = client_for(officer).get(f"/planer/{burglaries.focus_area.plan_id}/").content.decode()
    assert "Indsats mod indbrud og hæleri" in html
    assert "Nabohjælp" in html and "Lokalråd og Lokalråd+" in html
    assert "Fald i antallet af anmeldelser om indbrud" in html
    assert "−1 (−50 %)" in html  # 1 against 2 the year before


def test_an_editor_builds_a_plan_through_the_forms(client_for, ssp, fora):
    client = client_for(ssp)
    response = client.post("/planer/ny/", {"year": "2026", "title": "Roskilde 2026",
                                           "municipality": str(ssp.organisation.municipality_id),
                                           "designated_by": str(fora["kredsraad"].pk)})
    plan = CooperationPlan.objects.get(title="Roskilde 2026")
    assert response.status_code == 302 and plan.status == PlanStatus.DRAFT
    assert client.post(f"/planer/{plan.pk}/fokusomraader/ny/",
                       {"title": "Vold i nære relationer"}).status_code == 302
    area = FocusArea.objects.get(plan=plan)
    assert client.post(f"/planer/fokusomraader/{area.pk}/aktiviteter/ny/",
                       {"activity": "Temadag", "action": "Erfaringsudveksling",
                        "responsible_forum": str(fora["lokalraad"].pk)}).status_code == 302
    assert client.post(f"/planer/fokusomraader/{area.pk}/indikatorer/ny/", {
        "title": "Færre anmeldelser", "mode": "measured", "kind": "incident_count",
        "parameters": '{"categories": ["domestic_violence"]}', "direction": "decrease",
    }).status_code == 302
    bad = client.post(f"/planer/fokusomraader/{area.pk}/indikatorer/ny/", {
        "title": "Forkert", "mode": "measured", "kind": "incident_count",
        "parameters": '{"categories": ["findes_ikke"]}', "direction": "decrease"})
    assert bad.status_code == 200 and "findes_ikke" in bad.content.decode()
    indicator = Indicator.objects.get(focus_area=area)
    assert indicator.parameters == {"categories": ["domestic_violence"]}
    activity = Activity.objects.get(focus_area=area)
    assert client.post(f"/planer/aktiviteter/{activity.pk}/", {
        "activity": "Temadag om psykisk vold", "responsible_text": "Lokalrådene",
    }).status_code == 302
    assert client.post(f"/planer/{plan.pk}/vedtag/").status_code == 302
    assert client.get(f"/planer/{plan.pk}/evaluering/").status_code == 200
    assert client.post(f"/planer/{plan.pk}/evaluering/", {
        f"indicator_{indicator.pk}": "Godt på vej.", "summary": "Fortsættes."}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.EVALUATED
    assert "Godt på vej." in client.get(f"/planer/{plan.pk}/").content.decode()


def test_a_reader_sees_no_edit_forms(client_for, caseworker, plan, area):
    client = client_for(caseworker)
    assert "/rediger/" not in client.get(f"/planer/{plan.pk}/").content.decode()
    assert client.get(f"/planer/{plan.pk}/rediger/").status_code == 403
    assert client.get(f"/planer/fokusomraader/{area.pk}/").status_code == 403
    assert client.get("/planer/ny/").status_code == 403


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_the_plan_prints_as_pdf_with_danish_labels(client_for, officer, burglaries, tmp_path):
    response = client_for(officer).get(f"/planer/{burglaries.focus_area.plan_id}/"
                                       "samarbejdsplan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.content)
    raw = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    text = " ".join(raw.split())  # table cells wrap their text onto several lines
    for expected in ("Samarbejdsplan 2025 for Roskilde", "Indsatsområder", "Aktiviteter",
                     "Handling", "Ansvar", "Indikatorer", "Indsats mod indbrud og hæleri",
                     "Nabohjælp", "Lokalråd og Lokalråd+",
                     "Fald i antallet af anmeldelser om indbrud"):
        assert expected in text, expected
