"""In a real browser: an officer registers an incident with two persons, finds it by a word of
its narrative and sees it on a person's timeline; a caseworker of another municipality is
refused that person's page, and the refusal is in the audit log. axe-core checks every page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.conftest import sign_in
from samspil.incidents.models import Incident
from samspil.operations.tests.conftest import ensure_categories
from samspil.organisations.models import Municipality
from samspil.persons.services import person_register
from samspil.web.tests.browser import assert_accessible, new_context, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNAL_NO = "0100-12345-04711-25"
NARRATIVE = "Knallerten blev fundet ved lystbådehavnen sent om aftenen."


def test_an_officer_registers_finds_and_sees_an_incident_and_another_municipality_is_refused(
    page, browser, live_server, officer, other_caseworker
):
    ensure_categories()  # an earlier transactional test's flush empties the seeded table
    roskilde = Municipality.objects.get(code="265")
    suspect = person_register(actor=officer, given_name="Mads", family_name="Knallertsen",
                              municipality=roskilde, birth_date=date(2008, 5, 17),
                              is_synthetic=True)
    victim = person_register(actor=officer, given_name="Sofie", family_name="Havnsen",
                             municipality=roskilde, birth_date=date(1990, 2, 3),
                             is_synthetic=True)

    # Register through the officer's form.
    sign_in(page, officer)
    page.goto(reverse("incidents:register"))
    assert_accessible(page)
    page.fill("#id_journal_no", JOURNAL_NO)
    page.fill("#id_occurred_at", "2025-03-14T21:30")
    page.select_option("#id_category", "violence")
    page.select_option("#id_municipality", "265")
    page.fill("#id_narrative", NARRATIVE)
    page.fill("#id_inv-0-person", str(suspect.pk))
    page.select_option("#id_inv-0-role", "suspect")
    page.fill("#id_inv-1-person", str(victim.pk))
    page.select_option("#id_inv-1-role", "victim")
    screenshot(page, "incident-flow-01-register")
    page.locator("main button[type=submit].button-primary").click()
    page.wait_for_load_state()
    incident = Incident.objects.get(journal_no=JOURNAL_NO)
    assert page.url.endswith(reverse("incidents:detail", args=[incident.pk]))
    assert set(incident.involvements.values_list("person_id", "role")) == {
        (suspect.pk, "suspect"), (victim.pk, "victim")}
    assert JOURNAL_NO in page.content()
    assert_accessible(page)
    screenshot(page, "incident-flow-02-registered")

    # Full-text search on one word of the narrative.
    page.goto(reverse("incidents:search"))
    page.fill("#id_text", "lystbådehavnen")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "text=" in page.url
    assert page.locator(f"a[href='{reverse('incidents:detail', args=[incident.pk])}']").count()
    assert_accessible(page)
    screenshot(page, "incident-flow-03-search")

    # The person's timeline shows the incident.
    person_url = reverse("persons:detail", args=[suspect.pk])
    page.goto(person_url)
    timeline = page.locator("ul.samspil-timeline")
    assert timeline.locator(
        f"a[href='{reverse('incidents:detail', args=[incident.pk])}']").count() == 1
    assert_accessible(page)
    screenshot(page, "incident-flow-04-timeline")

    # A caseworker of another municipality is refused, and the refusal is audited.
    context = new_context(browser, base_url=live_server.url)
    try:
        koege = context.new_page()
        sign_in(koege, other_caseworker)
        response = koege.goto(person_url)
        assert response is not None and response.status == 403
        assert "Knallertsen" not in koege.content()
        assert_accessible(koege)
        screenshot(koege, "incident-flow-05-refused")
    finally:
        context.close()
    assert AuditEntry.objects.filter(
        actor_username=other_caseworker.username, action="read_denied",
        object_type="persons.person", object_id=str(suspect.pk),
    ).exists()
