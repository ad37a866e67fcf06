"""In a real browser: the Socialsøg reviewer opens the queue and a hit, sees why the family was
found, and sends the social report with the drafted concern; the caseworker of the children's
municipality sees the case, a caseworker of another municipality does not. axe-core checks
every page."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse

from samspil.accounts.constants import Role
from samspil.conftest import sign_in
from samspil.operations.tests.conftest import ensure_categories
from samspil.organisations.models import District
from samspil.risk.constants import HitStatus
from samspil.risk.models import Hit
from samspil.risk.services import screening_run
from samspil.risk.tests.conftest import Town
from samspil.web.tests.browser import assert_accessible, new_context, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNAL_NO = "0100-12345-00900-25"


def _ensure_seeded_data() -> None:
    """An earlier transactional test's flush empties what the data migrations seeded."""
    ensure_categories()
    importlib.import_module("samspil.risk.migrations.0002_seed_rule_set_v1").seed(apps, None)


def _page_for(browser, live_server, user):
    context = new_context(browser, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, user)
    return context, page


def test_a_reviewer_sends_a_social_report_that_only_the_childrens_municipality_sees(
    page, browser, live_server, officer, make_user, police, caseworker, other_caseworker
):
    _ensure_seeded_data()
    # A family in Roskilde (265): the father is the suspect of domestic violence (weight 3).
    town = Town(officer, as_of=date.today())
    _mother, father, _kids = town.family(children=2)
    town.incident("domestic_violence", (father, "suspect"), journal_no=JOURNAL_NO, days_ago=12)
    district = District.objects.get(slug="midt-vestsjaelland")
    screening_run(as_of=date.today(), district=district)
    hit = Hit.objects.get()
    assert hit.status == HitStatus.OPEN
    reviewer = make_user("lene", police, Role.SOCIALSOEG_REVIEWER)

    # The queue lists the hit.
    sign_in(page, reviewer)
    page.goto(reverse("risk:queue"))
    hit_url = reverse("risk:hit", args=[hit.pk])
    link = page.locator(f"main a[href='{hit_url}']")
    assert link.count() == 1
    assert_accessible(page)
    screenshot(page, "socialsoeg-01-queue")

    # The hit page says why: the incident's category and the rule that matched.
    link.click()
    page.wait_for_url(f"**{hit_url}")
    content = page.content()
    assert "Vold i nære relationer" in content  # domestic_violence
    assert JOURNAL_NO in content
    assert hit.clause == "a"
    assert hit.rule_set_version.version in page.locator("dl.samspil-facts").inner_text()
    assert "Regel a: mindst én alvorlig hændelse (vægt 3 eller mere)" in content
    concern = page.locator("#id_concern_text")
    assert concern.input_value().strip()  # drafted from the explanation
    assert_accessible(page)
    screenshot(page, "socialsoeg-02-hit")

    # Send the social report with the drafted concern.
    page.locator(f"form[action='{reverse('risk:hit_report', args=[hit.pk])}'] "
                 "button[type=submit]").click()
    page.wait_for_url(f"**{reverse('risk:queue')}")
    hit.refresh_from_db()
    assert hit.status == HitStatus.REPORTED
    case = hit.social_report_case
    assert (case.case_type, case.municipality.code) == ("social_report", "265")
    assert_accessible(page)
    screenshot(page, "socialsoeg-03-sent")

    case_url = reverse("cases:detail", args=[case.pk])
    contexts = []
    try:
        # Roskilde's caseworker sees the case.
        context, roskilde_page = _page_for(browser, live_server, caseworker)
        contexts.append(context)
        response = roskilde_page.goto(case_url)
        assert response is not None and response.status == 200
        assert case.case_ref in roskilde_page.content()
        assert_accessible(roskilde_page)
        screenshot(roskilde_page, "socialsoeg-04-roskilde-case")

        # Køge's caseworker does not.
        context, koege_page = _page_for(browser, live_server, other_caseworker)
        contexts.append(context)
        response = koege_page.goto(case_url)
        assert response is not None and response.status in (403, 404)
        assert case.case_ref not in koege_page.content()
        assert_accessible(koege_page)
        screenshot(koege_page, "socialsoeg-05-koege-refused")
    finally:
        for context in contexts:
            context.close()
