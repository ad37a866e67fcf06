"""The API's error answers, as the fuzzer (test_api_fuzz.py) found them wanting: JSON for every
error, each documented in docs/OpenAPI, and a clear 400 instead of a server error."""

from __future__ import annotations

import pytest
import yaml
from django.conf import settings

from samspil.cases.services import case_open
from samspil.organisations.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/api/v1/cases/-1", "/api/v1/persons/1.5", "/api/v1/no-such-thing"]
)
def test_an_unknown_api_url_is_a_json_404(client_for, officer, url):
    response = client_for(officer).get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Ikke fundet."}


def test_an_unknown_page_is_still_the_html_404(client_for, officer):
    response = client_for(officer).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_replying_to_a_request_the_station_opened_itself_is_a_400_not_a_crash(client_for, officer):
    case = case_open(
        actor=officer,
        case_type="officer_request",
        municipality=Municipality.objects.get(code="265"),
        origin="talk_burglary",
        is_synthetic=True,
    )
    response = client_for(officer).post(
        f"/api/v1/cases/{case.pk}/reply", {"message": "Hej"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "offentlige formular" in str(response.json())


def test_every_operation_documents_its_error_answers():
    document = yaml.safe_load((settings.BASE_DIR / "docs" / "openapi.yaml").read_text())
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if operation.get("parameters") or "requestBody" in operation or method != "get":
                assert {"400", "404"} <= codes, (method, path)


def test_an_empty_optional_query_value_is_documented_as_not_given(client_for, officer):
    document = yaml.safe_load((settings.BASE_DIR / "docs" / "openapi.yaml").read_text())
    plans = document["paths"]["/api/v1/plans"]["get"]["parameters"]
    assert all(p["allowEmptyValue"] for p in plans if p["in"] == "query")
    client = client_for(officer)
    everything = client.get("/api/v1/plans").json()
    assert client.get("/api/v1/plans", {"municipality": "", "year": ""}).json() == everything
