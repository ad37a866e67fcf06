"""Every plan page and endpoint refuses a user from another police district (403 or 404), shows
none of the plan, and writes the refusal to the audit trail."""

from __future__ import annotations

import json

import pytest

from samspil.audit.models import AuditEntry
from samspil.plans import services
from samspil.plans.models import Activity, CooperationPlan

pytestmark = pytest.mark.django_db

SECRET = "Samarbejdsplan 2025 for Roskilde"


@pytest.fixture
def world(officer, plan, area, burglaries):
    services.plan_adopt(actor=officer, plan=plan)
    return {"plan": plan, "area": area, "indicator": burglaries,
            "activity": Activity.objects.filter(focus_area=area).first()}


def _gets(w):
    p, a = w["plan"].pk, w["area"].pk
    return [
        f"/planer/{p}/",
        f"/planer/{p}/rediger/",
        f"/planer/{p}/evaluering/",
        f"/planer/{p}/samarbejdsplan.pdf",
        f"/planer/{p}/fokusomraader/ny/",
        f"/planer/fokusomraader/{a}/",
        f"/planer/fokusomraader/{a}/aktiviteter/ny/",
        f"/planer/fokusomraader/{a}/indikatorer/ny/",
        f"/planer/aktiviteter/{w['activity'].pk}/",
        f"/planer/indikatorer/{w['indicator'].pk}/",
        f"/api/v1/plans/{p}",
    ]


def _posts(w):
    p, a = w["plan"].pk, w["area"].pk
    return [
        (f"/planer/{p}/rediger/", {"year": "2025", "title": "Overtaget"}),
        (f"/planer/{p}/vedtag/", {}),
        (f"/planer/{p}/evaluering/", {"summary": "Fremmed evaluering"}),
        (f"/planer/{p}/fokusomraader/ny/", {"title": "Fremmed område"}),
        (f"/planer/fokusomraader/{a}/", {"title": "Overskrevet"}),
        (f"/planer/fokusomraader/{a}/aktiviteter/ny/", {"activity": "x",
                                                        "responsible_text": "x"}),
        (f"/planer/fokusomraader/{a}/indikatorer/ny/", {"title": "x", "mode": "text"}),
        (f"/planer/aktiviteter/{w['activity'].pk}/", {"activity": "x", "responsible_text": "x"}),
        (f"/planer/indikatorer/{w['indicator'].pk}/", {"title": "x", "mode": "text"}),
        (f"/api/v1/plans/{p}/adopt", {}),
    ]


def test_an_outsider_is_refused_on_every_page_and_endpoint(client_for, outsider, world):
    client = client_for(outsider)
    for url in _gets(world):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert SECRET not in response.content.decode(errors="ignore"), url
    for url, data in _posts(world):
        response = client.post(url, data)
        assert response.status_code in (403, 404, 405), url
        assert SECRET not in response.content.decode(errors="ignore"), url
    patch = client.patch(f"/api/v1/plans/{world['plan'].pk}", data=json.dumps({"title": "x"}),
                         content_type="application/json")
    assert patch.status_code == 403
    refused = AuditEntry.objects.filter(actor_id=outsider.pk, action="read_denied").count()
    assert refused >= len(_gets(world))
    plan = CooperationPlan.objects.get(pk=world["plan"].pk)
    assert (plan.title, plan.status) == (SECRET, "adopted")
    assert plan.focus_areas.count() == 1 and not plan.evaluations.exists()


def test_an_outsiders_list_holds_only_their_own_district(client_for, outsider, world):
    client = client_for(outsider)
    page = client.get("/planer/")
    assert page.status_code == 200 and SECRET not in page.content.decode()
    api = client.get("/api/v1/plans")
    assert api.status_code == 200 and api.json() == {"results": []}
    created = client.post("/api/v1/plans", data=json.dumps({
        "year": 2025, "title": "Fremmed", "municipality_code": "265"}),
        content_type="application/json")
    assert created.status_code == 400  # Roskilde is not a municipality of their district
    assert not CooperationPlan.objects.filter(title="Fremmed").exists()


def test_another_municipality_reads_the_districts_plans_but_does_not_edit_them(
        client_for, other_caseworker, world):
    client = client_for(other_caseworker)
    assert SECRET in client.get(f"/planer/{world['plan'].pk}/").content.decode()
    assert client.get(f"/planer/{world['plan'].pk}/rediger/").status_code == 403
    assert client.post(f"/planer/{world['plan'].pk}/fokusomraader/ny/",
                       {"title": "Køges område"}).status_code == 403


def test_a_user_who_is_not_signed_in_sees_nothing(client, world):
    response = client.get(f"/planer/{world['plan'].pk}/")
    assert response.status_code in (302, 403)
    assert SECRET not in response.content.decode()
    assert client.get("/api/v1/plans").status_code in (401, 403)
