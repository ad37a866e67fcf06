"""Every HTML page carries the security headers; HTTPS mode adds HSTS and secure cookies; CSRF."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from samspil.accounts.constants import Role
from samspil.conftest import TEST_PASSWORD, verified_client

pytestmark = pytest.mark.django_db

# Streams never end; the API answers JSON (its headers are the same middleware's).
SKIPPED = re.compile(r"^/(api/|overvaagning/stroem/|konto/logout/|i18n/)")


def pages_without_arguments() -> Iterator[str]:
    def walk(patterns: list, prefix: str) -> Iterator[str]:
        for pattern in patterns:
            route = pattern.pattern
            if isinstance(route, RoutePattern):
                if route.converters:
                    continue
                text = str(route)
            else:
                if route.regex.groups or route.regex.groupindex:
                    continue
                text = str(route).lstrip("^").rstrip("$").replace("\\", "")
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + text)
            else:
                yield prefix + text

    for path in walk(get_resolver().url_patterns, "/"):
        if not SKIPPED.match(path) and "(" not in path:
            yield path


PAGES = sorted(set(pages_without_arguments()))


def assert_security_headers(response, path: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, f"{path}: no Content-Security-Policy"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, f"{path}: {csp}"
    assert "frame-ancestors 'none'" in csp, path
    assert "script-src 'self'" in csp, path
    assert response.headers.get("X-Frame-Options") == "DENY", path
    assert response.headers.get("Referrer-Policy") == "same-origin", path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path


@pytest.fixture
def everyone(make_user, police):
    return make_user("root", police, Role.PREVENTION_OFFICER, Role.DPO, Role.ADMINISTRATOR,
                     Role.SOCIALSOEG_REVIEWER, Role.ANALYST)


def test_there_are_pages_to_check():
    assert {"/", "/konto/login/", "/personer/", "/sager/", "/revision/"} <= set(PAGES)


def test_every_html_page_has_the_security_headers_when_signed_in(everyone):
    client = verified_client(everyone)
    client.raise_request_exception = False
    checked = 0
    for path in PAGES:
        response = client.get(path)
        if response.headers.get("Content-Type", "").startswith("text/html"):
            assert_security_headers(response, path)
            checked += 1
    assert checked > 20


def test_every_html_page_has_the_security_headers_when_signed_out(db):
    client = Client(raise_request_exception=False)
    for path in PAGES:
        response = client.get(path, follow=True)
        if response.headers.get("Content-Type", "").startswith("text/html"):
            assert_security_headers(response, path)


def test_error_pages_have_the_security_headers_too(everyone):
    response = verified_client(everyone).get("/no-such-page/")
    assert response.status_code == 404
    assert_security_headers(response, "/no-such-page/")


def test_https_mode_turns_on_hsts_secure_cookies_and_the_redirect():
    """Settings are read once at start-up, so a fresh interpreter shows what production gets."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, list(s.SECURE_PROXY_SSL_HEADER),"
        " s.SESSION_COOKIE_HTTPONLY]))"
    )
    env = {**os.environ, "SAMSPIL_HTTPS": "true", "DJANGO_SETTINGS_MODULE": "samspil.settings"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=True)
    hsts, redirect, session, csrf, language, proxy, httponly = json.loads(result.stdout)
    assert hsts >= 31_536_000
    assert redirect and session and csrf and language and httponly
    assert proxy == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_behind_tls_the_responses_carry_hsts_and_secure_cookies(db, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client()
    plain = client.get("/konto/login/")
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")
    response = client.get("/konto/login/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] and cookie["samesite"] == "Lax"


def test_a_post_without_a_csrf_token_is_refused(officer):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/konto/login/", {"username": officer.username,
                                         "password": TEST_PASSWORD}).status_code == 403
    signed_in = verified_client(officer)
    signed_in.handler.enforce_csrf_checks = True
    assert signed_in.post("/personer/ny/", {"given_name": "X"}).status_code == 403
    assert signed_in.post("/konto/logout/").status_code == 403


def test_a_post_with_the_csrf_token_of_the_form_is_accepted(officer):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/konto/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    response = client.post("/konto/login/", {"username": officer.username,
                                             "password": TEST_PASSWORD,
                                             "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code in (200, 302)
