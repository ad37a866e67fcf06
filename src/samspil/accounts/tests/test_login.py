from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspil.accounts.constants import Role
from samspil.accounts.services import backup_codes_issue
from samspil.audit.models import AuditEntry
from samspil.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _password_step(client: Client, username: str, password: str = TEST_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_it_signs_in_with_password_and_a_backup_code(officer):
    code = backup_codes_issue(actor=None, user=officer, count=3)[0]
    client = Client()
    response = _password_step(client, "alice")
    assert response.status_code == 302 and "/konto/bekraeft/" in response.url
    response = client.post(response.url, {"token": code})
    assert response.status_code == 302
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="da")
    assert page.status_code == 200
    assert AuditEntry.objects.filter(action="login", actor_id=officer.pk).exists()


def test_a_backup_code_works_only_once(officer):
    code = backup_codes_issue(actor=None, user=officer, count=2)[0]
    first = Client()
    _password_step(first, "alice")
    assert first.post("/konto/bekraeft/", {"token": code}).status_code == 302
    second = Client()
    _password_step(second, "alice")
    response = second.post("/konto/bekraeft/", {"token": code})
    assert response.status_code == 200
    assert second.get("/").status_code == 302


def test_a_session_without_the_second_factor_reaches_nothing(officer):
    backup_codes_issue(actor=None, user=officer, count=1)
    client = Client()
    _password_step(client, "alice")
    for path in ["/", "/revision/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/konto/bekraeft/")
    assert client.get("/api/v1/me").status_code == 403


def test_a_user_without_a_device_must_enrol_an_authenticator(officer):
    client = Client()
    response = _password_step(client, "alice")
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith("/konto/tilmeld/")
    page = client.get(response.url)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    response = client.post("/konto/tilmeld/", {"token": f"{totp.token():06d}"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_five_wrong_passwords_lock_the_account_with_a_danish_message(officer):
    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    for _ in range(4):
        response = _password_step(client, "alice", "wrong-password")
        assert response.status_code == 200
    response = _password_step(client, "alice", "wrong-password")
    assert response.status_code == 429
    assert "låst" in response.content.decode()
    # Even the right password is refused while the lock lasts.
    response = _password_step(client, "alice")
    assert response.status_code == 429
    assert AuditEntry.objects.filter(action="login_failed").count() >= 5


def test_wrong_second_factor_codes_count_towards_the_lockout(officer):
    backup_codes_issue(actor=None, user=officer, count=1)
    client = Client()
    _password_step(client, "alice")
    for _ in range(5):
        client.post("/konto/bekraeft/", {"token": "00000000"})
    response = _password_step(Client(), "alice")
    assert response.status_code == 429


def test_logout_needs_post_and_ends_the_session(client_for, officer):
    client = client_for(officer)
    assert client.get("/konto/logout/").status_code == 405
    assert client.post("/konto/logout/").status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_lands_on_its_start_page_in_danish(make_user, police, client_for, role):
    user = make_user(f"user-{role}", police, role)
    response = client_for(user).get("/", HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-role="{role}"' in html
    assert '<html lang="da">' in html
    assert "Log af" in html
