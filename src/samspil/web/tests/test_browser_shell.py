"""In a real browser: sign in, navigate, sign out — with an axe-core check on every page."""

from __future__ import annotations

import pytest

from samspil.conftest import sign_in
from samspil.web.tests.browser import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dpo_signs_in_navigates_and_signs_out(page, dpo):
    page.goto("/konto/login/")
    assert_accessible(page)
    screenshot(page, "shell-01-login")

    sign_in(page, dpo)
    assert page.locator("h1").inner_text() == "Databeskyttelse"
    assert_accessible(page)
    screenshot(page, "shell-02-start-dpo")

    page.click("nav.nav >> text=Revisionslog")
    page.wait_for_url("**/revision/")
    assert page.locator("h1").inner_text() == "Revisionslog"
    assert_accessible(page)
    screenshot(page, "shell-03-audit-log")

    page.click("header .portal-user button.log-off")
    page.wait_for_url("**/konto/login/")
    assert "Du er logget af" in page.content()
    assert_accessible(page)
    screenshot(page, "shell-04-signed-out")


def test_the_language_switch_shows_english(page, officer):
    sign_in(page, officer)
    page.click("form.language-switcher button[value=en]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Prevention officer"
    assert_accessible(page)
    screenshot(page, "shell-05-english")
