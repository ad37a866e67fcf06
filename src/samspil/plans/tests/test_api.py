"""The plans API: list, detail with indicator values, nested create, update, adopt."""

from __future__ import annotations

import json

import pytest

from samspil.interchange.services import bundle_import
from samspil.plans.models import CooperationPlan, Indicator
from samspil.plans.tests.conftest import burglary_bundle_files

pytestmark = pytest.mark.django_db


def _json(client, method, url, data):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_the_list_filters_by_year_and_municipality(client_for, caseworker, plan):
    client = client_for(caseworker)
    assert [p["title"] for p in client.get("/api/v1/plans?year=2025").json()["results"]] == [
        plan.title]
    assert client.get("/api/v1/plans?municipality=259").json()["results"] == []
    assert client.get("/api/v1/plans?municipality=575").status_code == 400


def test_the_detail_holds_the_indicator_values(client_for, caseworker, administrator, police,
                                                burglaries, bundle):
    assert bundle_import(actor=administrator, organisation=police, is_synthetic=True,
                         path=bundle(burglary_bundle_files([
                             ("PL-1", "2024-04-01T10:00:00", "265"),
                             ("PL-2", "2025-04-01T10:00:00", "265"),
                             ("PL-3", "2025-05-01T10:00:00", "265"),
                         ]))).ok
    data = client_for(caseworker).get(f"/api/v1/plans/{burglaries.focus_area.plan_id}").json()
    area = data["focus_areas"][0]
    assert [a["responsible"] for a in area["activities"]] == ["Lokalråd Midt",
                                                              "Lokalråd og Lokalråd+"]
    indicator = area["indicators"][0]
    assert (indicator["value"], indicator["comparison_value"], indicator["change"],
            indicator["on_target"], indicator["unit"]) == (2, 1, 1, False, "count")
    assert set(indicator) >= {"kind", "parameters", "direction", "relative_change"}
    assert "journal_no" not in json.dumps(data) and "PL-1" not in json.dumps(data)


def test_a_plan_is_created_with_its_parts_in_one_call(client_for, officer, fora):
    response = _json(client_for(officer), "post", "/api/v1/plans", {
        "year": 2026, "title": "Kredsens plan 2026",
        "designated_by_id": fora["kredsraad"].pk,
        "focus_areas": [{
            "title": "Vold i nære relationer", "designated_by_id": fora["kredsraad"].pk,
            "activities": [{"activity": "Temadag", "action": "Erfaringsudveksling",
                            "responsible_forum_id": fora["lokalraad"].pk}],
            "indicators": [{"title": "Færre anmeldelser", "mode": "measured",
                            "kind": "incident_count",
                            "parameters": {"categories": ["domestic_violence"]},
                            "direction": "decrease"},
                           {"title": "Temadag afholdt"}],
        }],
    })
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["plan"]["municipality_code"] is None and body["plan"]["status"] == "draft"
    assert [i["title"] for i in body["focus_areas"][0]["indicators"]] == [
        "Færre anmeldelser", "Temadag afholdt"]


def test_a_bad_indicator_creates_nothing(client_for, officer):
    response = _json(client_for(officer), "post", "/api/v1/plans", {
        "year": 2026, "title": "Halv plan",
        "focus_areas": [{"title": "Indbrud", "indicators": [{
            "title": "Forkert", "mode": "measured", "kind": "incident_count",
            "parameters": {"categories": ["findes_ikke"]}, "direction": "decrease"}]}],
    })
    assert response.status_code == 400 and "parameters" in response.json()
    assert not CooperationPlan.objects.filter(title="Halv plan").exists()
    assert not Indicator.objects.filter(title="Forkert").exists()


def test_a_plan_is_updated_and_adopted(client_for, officer, plan, area):
    client = client_for(officer)
    response = _json(client, "patch", f"/api/v1/plans/{plan.pk}",
                     {"title": "Roskildes plan", "introduction": "Kort indledning."})
    assert response.status_code == 200 and response.json()["plan"]["title"] == "Roskildes plan"
    assert client.post(f"/api/v1/plans/{plan.pk}/adopt").json()["status"] == "adopted"
    again = client.post(f"/api/v1/plans/{plan.pk}/adopt")
    assert again.status_code == 400


def test_a_reader_cannot_change_a_plan_through_the_api(client_for, caseworker, plan):
    response = _json(client_for(caseworker), "patch", f"/api/v1/plans/{plan.pk}",
                     {"title": "Overtaget"})
    assert response.status_code == 403
    assert CooperationPlan.objects.get(pk=plan.pk).title == plan.title
