"""Shared test fixtures: the district, three kinds of users, and signed-in clients.

Following style.md point 7, every access test has an officer in the district, a municipal
caseworker in one municipality, and an outsider from another district.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from samspil.accounts.constants import Role
from samspil.accounts.models import User
from samspil.accounts.services import user_create
from samspil.organisations.constants import OrganisationKind
from samspil.organisations.models import District, Municipality, Organisation
from samspil.organisations.services import reference_data_load

TEST_PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def reference(db: Any) -> None:
    reference_data_load()


def make_organisation(
    slug: str, kind: str, district: str, municipality: str | None = None
) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        slug=slug,
        defaults={
            "name": slug.replace("-", " ").title(),
            "kind": kind,
            "district": District.objects.get(slug=district),
            "municipality": Municipality.objects.get(code=municipality) if municipality else None,
            "is_synthetic": True,
        },
    )
    return organisation


@pytest.fixture
def police(reference: None) -> Organisation:
    return make_organisation("test-politi", OrganisationKind.POLICE, "midt-vestsjaelland")


@pytest.fixture
def roskilde(reference: None) -> Organisation:
    return make_organisation(
        "test-roskilde", OrganisationKind.MUNICIPALITY, "midt-vestsjaelland", "265"
    )


@pytest.fixture
def koege(reference: None) -> Organisation:
    return make_organisation(
        "test-koege", OrganisationKind.MUNICIPALITY, "midt-vestsjaelland", "259"
    )


@pytest.fixture
def foreign_police(reference: None) -> Organisation:
    return make_organisation("test-ssj-politi", OrganisationKind.POLICE, "syd-soenderjylland")


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def factory(username: str, organisation: Organisation, *roles: str) -> User:
        return user_create(
            actor=None,
            username=username,
            password=TEST_PASSWORD,
            organisation=organisation,
            roles=roles,
            first_name=username.title(),
            last_name="Testesen",
            is_synthetic=True,
        )

    return factory


@pytest.fixture
def officer(make_user: Callable[..., User], police: Organisation) -> User:
    return make_user("alice", police, Role.PREVENTION_OFFICER)


@pytest.fixture
def caseworker(make_user: Callable[..., User], roskilde: Organisation) -> User:
    return make_user("bob", roskilde, Role.CASEWORKER)


@pytest.fixture
def other_caseworker(make_user: Callable[..., User], koege: Organisation) -> User:
    return make_user("dora", koege, Role.CASEWORKER)


@pytest.fixture
def outsider(make_user: Callable[..., User], foreign_police: Organisation) -> User:
    return make_user(
        "charlie", foreign_police, Role.PREVENTION_OFFICER, Role.DPO, Role.ADMINISTRATOR
    )


@pytest.fixture
def dpo(make_user: Callable[..., User], police: Organisation) -> User:
    return make_user("erik", police, Role.DPO)


def verified_client(user: User) -> Client:
    """A client signed in as `user`, past the second factor (a backup-code device)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    return verified_client


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    """Tests render templates without a collectstatic manifest; browser tests serve via finders."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


# --- Browser tests (Playwright driving Debian's Chromium against a live server) ---------------


@pytest.fixture(scope="session")
def browser() -> Any:
    import os

    from playwright.sync_api import sync_playwright

    from samspil.web.tests.browser import launch_browser

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself (fixtures, assertions) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Any:
    from samspil.web.tests.browser import new_context

    context = new_context(browser, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Any, user: User) -> None:
    """Sign in through the real login pages with the password and a fresh backup code."""
    from samspil.accounts.services import backup_codes_issue

    code = backup_codes_issue(actor=None, user=user, count=2)[0]
    page.goto("/konto/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].button-primary")
    page.fill("#id_token", code)
    page.click("button[type=submit].button-primary")
    page.wait_for_url(lambda url: "/konto/" not in url)


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    # Transactional tests empty every table between tests; let flush pass the audit triggers.
    settings.SAMSPIL_ALLOW_AUDIT_FLUSH = True
    # Argon2 is deliberately slow; the suite creates thousands of users. Production keeps Argon2
    # (settings.PASSWORD_HASHERS), which test_production_hashes_passwords_with_argon2 checks.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- No secrets or CPR numbers in logs (samspil.operations.logcheck, docs/SECURITY.md) ---------
# This conftest is loaded during collection when pytest is started on `src`, after
# pytest_sessionstart has run: the handler is installed when collection is finished instead.


def pytest_collection_finish(session: Any) -> None:
    from django.conf import settings

    from samspil.operations import logcheck

    if getattr(session.config, "_samspil_log_handler", None) is None:
        worker = getattr(session.config, "workerinput", None)
        session.config._samspil_log_handler = logcheck.install(
            Path(settings.VAR_DIR) / "test-logs",
            worker=worker["workerid"] if worker else None,
            run=worker["testrunuid"][:8] if worker else None,
        )


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    import logging

    from samspil.operations import logcheck

    handler = getattr(session.config, "_samspil_log_handler", None)
    if handler is None:
        return
    logging.getLogger().removeHandler(handler)
    handler.close()
    findings = logcheck.scan_file(Path(handler.baseFilename), logcheck.secrets_to_find())
    if not findings:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = logcheck.report(findings)
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_line(message, red=True)
    else:  # an xdist worker: `python -m samspil.operations.logcheck` fails the CI step
        print(message)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _migration_data_present(request: Any) -> None:
    """Rows that migrations load (the incident taxonomy, Socialsøg rule set v1) are gone after a
    transactional test with serialized rollback flushed the tables without post_migrate; put them
    back before any test that uses the database."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db"}:
        return
    transactional = "transactional_db" in names or bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from samspil.incidents.apps import ensure_default_categories
    from samspil.risk.apps import ensure_rule_set_v1

    ensure_default_categories()
    ensure_rule_set_v1()
