from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_login_page_is_public_and_danish():
    from django.test import Client

    response = Client().get("/konto/login/", HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 200
    assert "Log ind" in response.content.decode()


def test_it_sends_security_headers(client_for, officer):
    response = client_for(officer).get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_dpo_searches_the_audit_log_of_the_district(client_for, dpo, officer):
    client_for(officer).get("/")
    response = client_for(dpo).get("/revision/", {"actor_username": "alice"})
    assert response.status_code == 200


def test_an_officer_is_refused_the_audit_log(client_for, officer):
    assert client_for(officer).get("/revision/").status_code == 403
    assert client_for(officer).get("/api/v1/audit/entries").status_code == 403


def test_an_outsider_dpo_sees_none_of_the_districts_entries(client_for, outsider, officer):
    client_for(officer).post("/konto/logout/")
    response = client_for(outsider).get("/api/v1/audit/entries", {"actor_username": "alice"})
    assert response.status_code == 200
    assert response.json() == []


def test_the_organisation_list_is_limited_to_the_own_district(client_for, officer, outsider):
    slugs = {row["slug"] for row in client_for(officer).get("/api/v1/organisations").json()}
    assert "test-politi" in slugs and "test-ssj-politi" not in slugs
    slugs = {row["slug"] for row in client_for(outsider).get("/api/v1/organisations").json()}
    assert "test-politi" not in slugs


def test_the_api_refuses_anonymous_callers():
    from django.test import Client

    assert Client().get("/api/v1/me").status_code == 401


def test_the_audit_integrity_page_is_for_the_dpo(client_for, dpo, officer):
    assert client_for(dpo).get("/revision/kontrol/").status_code == 200
    assert client_for(officer).get("/revision/kontrol/").status_code == 403
