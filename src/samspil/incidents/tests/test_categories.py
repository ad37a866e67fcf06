from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samspil.audit.models import AuditEntry
from samspil.incidents.models import IncidentCategory
from samspil.incidents.services import category_create, category_update

pytestmark = pytest.mark.django_db


def test_the_taxonomy_of_the_interchange_format_is_loaded():
    assert IncidentCategory.objects.count() == 25
    psp = set(IncidentCategory.objects.filter(psp=True).values_list("code", flat=True))
    assert psp == {"suicide_threat", "mental_health_concern", "forced_admission_assist",
                   "missing_person"}


def test_an_administrator_extends_the_taxonomy_and_it_is_audited(administrator):
    category = category_create(actor=administrator, code="e_scooter_theft",
                               label_da="Tyveri af el-løbehjul", label_en="E-scooter theft",
                               crime_class="anden", risk_weight=0)
    assert AuditEntry.objects.get(action="create", object_type="incidents.incidentcategory")
    category_update(actor=administrator, category=category, risk_weight=1, psp=True)
    entry = AuditEntry.objects.get(action="update", object_type="incidents.incidentcategory")
    assert entry.changes == {"psp": [False, True], "risk_weight": [0, 1]}


def test_a_new_category_needs_a_free_well_formed_code_and_a_weight(administrator):
    with pytest.raises(ValidationError) as excinfo:
        category_create(actor=administrator, code="violence", label_da="Vold igen",
                        crime_class="personfarlig", risk_weight=2)
    assert "code" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        category_create(actor=administrator, code="Bad Code", label_da="", crime_class="x",
                        risk_weight=99)
    assert set(excinfo.value.message_dict) == {"code"}
    with pytest.raises(ValidationError) as excinfo:
        category_create(actor=administrator, code="ok_code", label_da="", crime_class="x",
                        risk_weight=99)
    assert set(excinfo.value.message_dict) == {"label_da", "crime_class", "risk_weight"}


@pytest.mark.parametrize("who", ["officer", "caseworker", "other_caseworker", "dpo"])
def test_others_cannot_change_the_taxonomy(request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        category_create(actor=user, code="new_one", label_da="Ny", crime_class="anden",
                        risk_weight=0)
    with pytest.raises(PermissionDenied):
        category_update(actor=user, category=IncidentCategory.objects.get(code="theft"),
                        risk_weight=3)


def test_the_administrator_uses_the_category_pages(client_for, administrator):
    client = client_for(administrator)
    assert "e_scooter_theft" not in client.get("/haendelser/kategorier/").content.decode()
    response = client.post("/haendelser/kategorier/ny/", {
        "code": "e_scooter_theft", "label_da": "Tyveri af el-løbehjul", "label_en": "",
        "crime_class": "anden", "risk_weight": "0",
    })
    assert response.status_code == 302
    category = IncidentCategory.objects.get(code="e_scooter_theft")
    response = client.post(f"/haendelser/kategorier/{category.pk}/", {
        "label_da": "Tyveri af el-løbehjul", "crime_class": "anden", "risk_weight": "1",
        "psp": "", "is_active": "",
    })
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.risk_weight, category.is_active) == (1, False)


@pytest.mark.parametrize("who", ["officer", "caseworker", "other_caseworker"])
def test_the_category_pages_and_endpoint_refuse_others_and_log_it(request, client_for, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    theft = IncidentCategory.objects.get(code="theft")
    assert client.get("/haendelser/kategorier/").status_code == 403
    assert client.get("/haendelser/kategorier/ny/").status_code == 403
    assert client.post(f"/haendelser/kategorier/{theft.pk}/", {"risk_weight": "5"}
                       ).status_code == 403
    response = client.post("/api/v1/incident-categories", {
        "code": "new_one", "label_da": "Ny", "crime_class": "anden", "risk_weight": 0,
    }, content_type="application/json")
    assert response.status_code == 403
    assert not IncidentCategory.objects.filter(code="new_one").exists()
    theft.refresh_from_db()
    assert theft.risk_weight == 0
    assert AuditEntry.objects.filter(action="read_denied", actor_username=user.username,
                                     object_type="incidents.incidentcategory").count() == 4


def test_the_administrator_extends_the_taxonomy_through_the_api(client_for, administrator,
                                                                officer):
    response = client_for(administrator).post("/api/v1/incident-categories", {
        "code": "e_scooter_theft", "label_da": "Tyveri af el-løbehjul", "crime_class": "anden",
        "risk_weight": 0,
    }, content_type="application/json")
    assert response.status_code == 201
    codes = [row["code"] for row in client_for(officer).get("/api/v1/incident-categories").json()]
    assert "e_scooter_theft" in codes
