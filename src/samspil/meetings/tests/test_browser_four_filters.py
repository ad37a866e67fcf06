"""In a real browser, three organisations share a person step by step: the police raise a
concern, the practice group's chair (Roskilde) decides on the de-identified situation, the police
disclose the identity to psychiatry (lead) and Roskilde (assisting). Afterwards Roskilde sees the
person, the prison and probation service — in the forum but not named — still does not, and the
ledger shows each disclosure with its basis. axe-core checks every page."""

from __future__ import annotations

import pytest

from samspil.conftest import sign_in
from samspil.meetings.models import Concern
from samspil.meetings.tests.conftest import CPR, FAMILY, GIVEN
from samspil.web.tests.browser import assert_accessible, new_context, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_for(browser, live_server, user):
    context = new_context(browser, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, user)
    return context, page


def _submit(page):
    page.locator("main button[type=submit].button-primary").click()
    page.wait_for_load_state()


def test_three_organisations_share_a_person_in_steps(browser, live_server, officer, coordinator,
                                                     caseworker, probation_user, person,
                                                     psp_forum, psychiatry, roskilde):
    contexts = []
    try:
        # Filter 1: the police raise the concern.
        context, police = _page_for(browser, live_server, officer)
        contexts.append(context)
        police.goto(f"/fora/bekymringer/ny/?forum={psp_forum.pk}")
        assert_accessible(police)
        police.fill("#id_person", str(person.pk))
        police.locator("label[for=id_risk_factors_5]").click()  # mental health
        police.locator("label[for=id_risk_factors_0]").click()  # school absence
        police.fill("#id_risk_text", "Ung med stort fravær og flere episoder med uro.")
        police.fill("#id_reason", "Politiet vurderer, at flere myndigheder skal inddrages.")
        screenshot(police, "fora-01-raise-concern")
        _submit(police)
        concern = Concern.objects.get()
        assert police.url.endswith(f"/fora/bekymringer/{concern.pk}/")

        # Filter 2: the chair decides on the de-identified situation.
        context, chair = _page_for(browser, live_server, coordinator)
        contexts.append(context)
        chair.goto(f"/fora/bekymringer/{concern.pk}/")
        content = chair.content()
        assert "13–15 år" in content and "Roskilde" in content
        for identifying in (GIVEN, FAMILY, CPR, CPR[:6]):
            assert identifying not in content
        assert_accessible(chair)
        screenshot(chair, "fora-02-deidentified-decision")
        chair.locator("label[for=id_met_0]").click()
        chair.fill("#id_reason", "Situationen kræver en koordineret indsats.")
        _submit(chair)
        assert "Tærsklen er nået" in chair.content()

        # Filter 3: the police disclose to the lead and the assisting agency only.
        police.goto(f"/fora/bekymringer/{concern.pk}/")
        police.select_option("#id_lead_organisation", str(psychiatry.pk))
        index = list(psp_forum.members.values_list("organisation_id", flat=True).distinct()
                     .order_by("organisation__name")).index(roskilde.pk)
        police.locator(f"label[for=id_assisting_organisations_{index}]").click()
        police.select_option("#id_legal_basis", "rpl_115_1_2")
        police.fill("#id_what_is_shared", "Navn, CPR-nummer, adresse og PSP-hændelser.")
        assert_accessible(police)
        screenshot(police, "fora-03-disclose")
        _submit(police)
        assert "Identiteten er videregivet" in police.content()

        # Afterwards: the assisting municipality sees the person …
        context, municipality = _page_for(browser, live_server, caseworker)
        contexts.append(context)
        municipality.goto(f"/personer/{person.pk}/")
        assert municipality.locator("h1").inner_text() == f"{GIVEN} {FAMILY}"
        assert "Videregivet til din organisation" in municipality.content()
        assert_accessible(municipality)
        screenshot(municipality, "fora-04-assisting-sees-person")

        # … the organisation that was not named still does not.
        context, probation = _page_for(browser, live_server, probation_user)
        contexts.append(context)
        response = probation.goto(f"/personer/{person.pk}/")
        assert response is not None and response.status == 403
        assert FAMILY not in probation.content()
        probation.goto(f"/fora/bekymringer/{concern.pk}/")
        assert FAMILY not in probation.content()
        assert_accessible(probation)
        screenshot(probation, "fora-05-not-named-sees-situation-only")

        # The ledger shows each disclosure with its basis.
        police.goto(f"/fora/personer/{person.pk}/videregivelser/")
        rows = police.locator("tr[data-legal-basis=rpl_115_1_2]")
        assert rows.count() == 2
        text = police.locator("table").inner_text()
        assert "Test Psykiatrien" in text and "Test Roskilde" in text
        assert "§ 115" in text
        assert_accessible(police)
        screenshot(police, "fora-06-ledger")
    finally:
        for context in contexts:
            context.close()
