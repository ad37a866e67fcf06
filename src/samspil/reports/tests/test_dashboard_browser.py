"""The dashboard, the annual report page and a list behind a number in a real browser: no
serious accessibility violation (axe-core), charts drawn under the site's CSP, links that work."""

from __future__ import annotations

import pytest

from samspil.conftest import sign_in
from samspil.web.tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_reads_the_figures_and_follows_a_number_to_its_records(
        page, annual_bundle, analyst):
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, analyst)
    page.goto("/rapporter/?date_from=2025-01-01&date_to=2025-12-31")
    assert page.locator("svg[role=img]").count() >= 5
    assert_accessible(page)
    page.click("#boern_og_unge-figures tbody tr:first-child td:nth-child(3) a")
    page.wait_for_url("**/rapporter/poster/**")
    assert page.locator("tbody tr").count() == 8
    assert_accessible(page)
    page.goto("/rapporter/aarsrapport/midt-vestsjaelland/2025/")
    assert_accessible(page)
    assert violations == []
