"""In a real browser: a citizen orders an officer without logging in, gets a receipt number, and
the station sees the request in its queue; oversized text, markup and many submissions from one
address are refused or kept harmless."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from samspil.cases.models import Case
from samspil.cases.types import officer_requests
from samspil.conftest import sign_in
from samspil.organisations.models import Municipality
from samspil.web.tests.browser import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill(page: Any, *, description: str = "Foredrag om indbrud i foreningshuset.",
         place: str = "Foreningshuset, Roskilde") -> None:
    page.goto("/bestil-en-betjent/")
    page.select_option("#id_origin", "talk_burglary")
    page.select_option("#id_municipality", str(Municipality.objects.get(code="265").pk))
    page.fill("#id_place", place)
    page.fill("#id_wished_date", (timezone.localdate() + timedelta(days=14)).isoformat())
    # The browser's own maxlength stops a person typing too much; a hostile client ignores it.
    page.evaluate("() => document.querySelector('#id_description').removeAttribute('maxlength')")
    page.fill("#id_description", description)
    page.check("input[name=requester_kind][value=association]")
    page.fill("#id_contact_name", "Grethe Testesen")
    page.fill("#id_email", "grethe@example.org")
    page.check("#id_consent_to_contact")


def send(page: Any) -> None:
    page.click("form[data-form=officer-request] button[type=submit]")
    page.wait_for_load_state()


def test_a_citizen_orders_an_officer_and_the_station_sees_it(page: Any, police: Any,
                                                              officer: Any) -> None:
    fill(page)
    assert_accessible(page)
    screenshot(page, "officer-request-form")
    send(page)
    receipt = page.locator("[data-receipt]").inner_text()
    assert receipt.startswith("BEB-")
    assert_accessible(page)
    screenshot(page, "officer-request-receipt")
    page.click("[data-status-link]")
    assert page.locator("[data-state=received]").count() == 1
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, officer)
    page.goto("/sager/koe/alle/")
    assert page.locator(f"tr[data-case='{receipt}']").count() == 1


def test_oversized_text_markup_and_flooding_are_handled(page: Any, police: Any) -> None:
    fill(page, description="x" * 2001)
    send(page)
    assert page.locator(".form-error").count() >= 1
    assert "højst" in page.locator("[data-module=error-summary]").inner_text()
    assert_accessible(page)
    assert not Case.objects.exists()

    fill(page, description="<script>window.pwned = 1</script>Tak", place="<img src=x>")
    send(page)
    assert page.evaluate("() => window.pwned === undefined")
    stored = Case.objects.get()
    assert stored.summary.startswith("<script>")  # kept as the citizen typed it, as text

    for _ in range(officer_requests.RATE_LIMIT - 1):
        fill(page)
        send(page)
    fill(page)
    send(page)
    problem = page.locator("[data-problem]")
    assert problem.count() == 1
    assert_accessible(page)
    screenshot(page, "officer-request-rate-limited")
    assert Case.objects.count() == officer_requests.RATE_LIMIT
