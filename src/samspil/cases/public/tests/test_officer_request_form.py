"""The public "Bestil en betjent" form: no login, a receipt, rate limit, honeypot, size limits,
markup kept as text, and a status page that shows only the request's own status."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samspil.cases.models import Case
from samspil.cases.types import officer_requests
from samspil.cases.types.models import OfficerRequestDetails, PublicSubmission
from samspil.organisations.models import Municipality

URL = "/bestil-en-betjent/"


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "origin": "talk_burglary",
        "municipality": str(Municipality.objects.get(code="265").pk),
        "place": "Roskilde Bibliotek",
        "wished_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "description": "Foredrag om indbrud for grundejerforeningen.",
        "requester_kind": "association",
        "contact_name": "Grethe Testesen",
        "email": "grethe@example.org",
        "phone": "",
        "consent_to_contact": "on",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def citizen(police: Any) -> Client:
    return Client(REMOTE_ADDR="192.0.2.10")


def submit(client: Client, **overrides: Any) -> Any:
    return client.post(URL, form_data(**overrides), REMOTE_ADDR="192.0.2.10")


def test_it_shows_the_form_without_login(citizen: Client) -> None:
    response = citizen.get(URL)
    assert response.status_code == 200
    assert b'data-form="officer-request"' in response.content


def test_it_opens_a_case_owned_by_the_district_police_and_gives_a_receipt(
    citizen: Client, police: Any, officer: Any, client_for: Any
) -> None:
    response = submit(citizen)
    assert response.status_code == 302
    receipt = citizen.get(response["Location"])
    case = Case.objects.get(case_type="officer_request")
    assert case.owner_organisation == police
    assert case.origin == "talk_burglary" and case.state == "received"
    assert case.case_ref.encode() in receipt.content
    assert OfficerRequestDetails.objects.get(case=case).contact_name == "Grethe Testesen"
    queue = client_for(officer).get("/sager/koe/alle/")
    assert case.case_ref.encode() in queue.content


def test_it_keeps_markup_as_text_and_escapes_it(
    citizen: Client, officer: Any, client_for: Any
) -> None:
    submit(citizen, description="<script>alert('x')</script> tak", place="<b>Torvet</b>")
    case = Case.objects.get(case_type="officer_request")
    assert case.summary == "<script>alert('x')</script> tak"
    page = client_for(officer).get(f"/sager/{case.pk}/")
    assert b"<script>alert(" not in page.content
    assert b"&lt;script&gt;alert(" in page.content
    assert b"&lt;b&gt;Torvet&lt;/b&gt;" in page.content


def test_it_refuses_oversized_fields_and_stores_nothing(citizen: Client) -> None:
    response = submit(citizen, description="x" * 2001, place="p" * 201, contact_name="n" * 151)
    assert response.status_code == 400
    assert "højst" in response.content.decode()  # Django's Danish "at most N characters"
    assert not Case.objects.exists()


def test_it_requires_an_email_or_a_phone_and_consent(citizen: Client) -> None:
    response = submit(citizen, email="", phone="", consent_to_contact="")
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_it_refuses_a_date_in_the_past_or_more_than_a_year_ahead(citizen: Client) -> None:
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    far = (timezone.localdate() + timedelta(days=400)).isoformat()
    assert submit(citizen, wished_date=past).status_code == 400
    assert submit(citizen, wished_date_alternative=far).status_code == 400
    assert not Case.objects.exists()


def test_a_filled_honeypot_stores_nothing_but_counts(citizen: Client) -> None:
    response = submit(citizen, website="http://spam.example")
    assert response.status_code == 400
    assert not Case.objects.exists()
    assert PublicSubmission.objects.count() == 1


def test_it_limits_submissions_per_address(citizen: Client) -> None:
    for _ in range(officer_requests.RATE_LIMIT):
        assert submit(citizen).status_code == 302
    response = submit(citizen)
    assert response.status_code == 429
    assert b"data-problem" in response.content
    assert Case.objects.count() == officer_requests.RATE_LIMIT
    # Another address is not affected, and the address is stored only as a hash.
    other = Client().post(URL, form_data(), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302
    assert not PublicSubmission.objects.filter(address_hash__contains="192.0.2").exists()


def _status_link(citizen: Client) -> str:
    receipt = citizen.get(submit(citizen)["Location"]).content.decode()
    match = re.search(r'href="https?://[^/]+(/bestil-en-betjent/status/[^"]+)"', receipt)
    assert match
    return match.group(1)


def test_the_status_page_shows_the_message_back_and_nothing_else(
    citizen: Client, officer: Any
) -> None:
    link = _status_link(citizen)
    case = Case.objects.get(case_type="officer_request")
    officer_requests.officer_request_reply(actor=officer, case=case,
                                           message="Vi kommer den 12. <i>kl. 10</i>.")
    page = Client().get(link)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Vi kommer den 12. &lt;i&gt;kl. 10&lt;/i&gt;." in content
    assert "Grethe" not in content and "grethe@example.org" not in content
    assert page["Cache-Control"] == "no-store"


def test_the_status_page_needs_the_right_token(citizen: Client) -> None:
    link = _status_link(citizen)
    case_ref = Case.objects.get(case_type="officer_request").case_ref
    assert Client().get(link[:-3] + "abc/").status_code == 404
    assert Client().get(reverse("officer_request:status", args=[case_ref, "x"])).status_code == 404


def test_the_station_triages_and_accommodates(citizen: Client, officer: Any,
                                              client_for: Any) -> None:
    submit(citizen)
    case = Case.objects.get(case_type="officer_request")
    client = client_for(officer)
    assert client.post(f"/sager/{case.pk}/trin/triage/", {}).status_code == 302
    assert client.post(f"/sager/{case.pk}/svar/", {"message": "Vi kommer."}).status_code == 302
    client.post(f"/sager/{case.pk}/trin/accommodate/", {"step-accommodate-outcome": "accommodated"})
    case.refresh_from_db()
    assert case.state == "closed" and case.outcome == "accommodated"
    assert OfficerRequestDetails.objects.get(case=case).public_message == "Vi kommer."


def test_only_the_owning_police_may_write_the_message_back(
    citizen: Client, caseworker: Any, outsider: Any, client_for: Any
) -> None:
    submit(citizen)
    case = Case.objects.get(case_type="officer_request")
    for user in (caseworker, outsider):
        response = client_for(user).post(f"/sager/{case.pk}/svar/", {"message": "Hej"})
        assert response.status_code in (403, 404)
        assert b"Hej" not in response.content
    assert OfficerRequestDetails.objects.get(case=case).public_message == ""


def test_reading_the_status_page_is_logged_and_a_wrong_token_leaves_a_trace(
    citizen: Client,
) -> None:
    from samspil.audit.constants import Action
    from samspil.audit.models import AuditEntry

    link = _status_link(citizen)
    details = Case.objects.get(case_type="officer_request").officer_request
    reads = AuditEntry.objects.filter(object_id=str(details.pk),
                                      object_type="cases.officerrequestdetails")
    assert Client().get(link).status_code == 200
    assert reads.filter(action=Action.READ, actor_username="citizen (status link)").count() == 1
    assert Client().get(link[:-3] + "abc/").status_code == 404
    assert reads.filter(action=Action.READ_DENIED).count() == 1
