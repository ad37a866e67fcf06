"""The reviewer's pages and endpoints: the queue, the hit page, decisions, runs and rules; and
that everyone else is refused every one of them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from samspil.access.models import AccessGrant, Disclosure
from samspil.audit.models import AuditEntry
from samspil.cases.models import Case
from samspil.cases.selectors import case_get
from samspil.risk.constants import HitStatus
from samspil.risk.models import Hit, RuleSetVersion
from samspil.risk.services import hit_dismiss, hit_send_social_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def hit(town, roskilde) -> Hit:
    """One open hit, raised by the per-incident re-screening when the incident was registered."""
    mother, father, kids = town.family(children=2)
    town.incident("domestic_violence", (father, "charged"), (kids[0], "child_present"),
                  journal_no="0100-12345-00900-25", days_ago=12)
    town.incident("drunk_driving", (mother, "charged"), journal_no="0100-12345-00901-25",
                  days_ago=40)
    return Hit.objects.get()


def pages(hit: Hit) -> list[tuple[str, str]]:
    version = RuleSetVersion.objects.get(version="v1")
    return [
        ("get", reverse("risk:queue")),
        ("get", reverse("risk:hit", args=[hit.pk])),
        ("post", reverse("risk:hit_report", args=[hit.pk])),
        ("post", reverse("risk:hit_dismiss", args=[hit.pk])),
        ("post", reverse("risk:run")),
        ("post", reverse("risk:rule_activate", args=[version.pk])),
        ("get", "/api/v1/socialsoeg/hits"),
        ("get", f"/api/v1/socialsoeg/hits/{hit.pk}"),
        ("post", f"/api/v1/socialsoeg/hits/{hit.pk}/send-report"),
        ("post", f"/api/v1/socialsoeg/hits/{hit.pk}/dismiss"),
        ("post", "/api/v1/socialsoeg/runs"),
    ]


def request(client, method: str, url: str):
    data = {"concern_text": "Bekymring", "reason": "Ingen grund"}
    if method == "post" and url.startswith("/api/"):
        return client.post(url, data, content_type="application/json")
    return getattr(client, method)(url, data if method == "post" else None)


@pytest.mark.parametrize("who", ["outsider", "caseworker", "other_caseworker", "officer",
                                 "analyst"])
def test_only_the_reviewer_gets_any_page_or_endpoint(request_fixture, client_for, hit, who):
    user = request_fixture(who)
    client = client_for(user)
    for method, url in pages(hit):
        if who == "analyst" and "aktiver" in url:
            continue  # the analyst may see the rules page but not activate: checked below
        response = request(client, method, url)
        assert response.status_code in (403, 404), (who, url, response.status_code)
        assert b"0100-12345-00900-25" not in response.content
    hit.refresh_from_db()
    assert hit.status == HitStatus.OPEN
    assert AuditEntry.objects.filter(actor_username=user.username, action="read_denied").exists()


@pytest.fixture
def request_fixture(request):
    return request.getfixturevalue


def test_a_reviewer_of_another_district_sees_only_their_own_empty_queue(
    client_for, foreign_reviewer, hit
):
    client = client_for(foreign_reviewer)
    response = client.get(reverse("risk:queue"))
    assert response.status_code == 200
    assert reverse("risk:hit", args=[hit.pk]).encode() not in response.content
    assert client.get("/api/v1/socialsoeg/hits").json()["count"] == 0
    for method, url in pages(hit)[1:4] + pages(hit)[7:10]:
        response = request(client, method, url)
        assert response.status_code in (403, 404), (url, response.status_code)
        assert b"0100-12345-00900-25" not in response.content
    hit.refresh_from_db()
    assert hit.status == HitStatus.OPEN


def test_the_outsider_and_caseworkers_are_refused_the_rules_and_backtests(
    client_for, outsider, caseworker, officer
):
    for user in (outsider, caseworker, officer):
        client = client_for(user)
        assert client.get(reverse("risk:rules")).status_code == 403
        response = client.post("/api/v1/socialsoeg/backtest",
                               {"as_of": "2025-06-30", "rule_set": "v1", "compare": "v1"},
                               content_type="application/json")
        assert response.status_code == 403


def test_the_queue_shows_open_hits_with_score_clause_and_children(client_for, reviewer, hit):
    response = client_for(reviewer).get(reverse("risk:queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("risk:hit", args=[hit.pk]) in page
    assert ">5<" in page  # 3 + 2
    assert AuditEntry.objects.filter(actor_username="lene", object_type="risk.hit",
                                     object_id=str(hit.pk), action="read").exists()


def test_the_hit_page_explains_why_and_logs_the_persons_read(client_for, reviewer, hit):
    response = client_for(reviewer, ).get(reverse("risk:hit", args=[hit.pk]), HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("0100-12345-00900-25", "0100-12345-00901-25", "Vold i nære relationer",
                 "Spirituskørsel", "Barn0 Testesen", "v1", "Far Testesen"):
        assert text in page, text
    # The drafted concern, in Danish, from the explanation.
    assert "Barnets lov § 133" in page
    assert "18.06.2025: Vold i nære relationer" in page
    read = set(AuditEntry.objects.filter(actor_username="lene", action="read",
                                         purpose="screening")
               .values_list("object_type", flat=True))
    assert {"risk.hit", "persons.person", "incidents.incident"} <= read


def test_dismissing_needs_a_reason_and_is_audited(client_for, reviewer, hit):
    client = client_for(reviewer)
    response = client.post(reverse("risk:hit_dismiss", args=[hit.pk]), {"reason": " "})
    assert response.status_code == 400
    hit.refresh_from_db()
    assert hit.status == HitStatus.OPEN
    response = client.post(reverse("risk:hit_dismiss", args=[hit.pk]),
                           {"reason": "Familien er kendt og i forløb."})
    assert response.status_code == 302
    hit.refresh_from_db()
    assert (hit.status, hit.decided_by, hit.decision_reason) == (
        HitStatus.DISMISSED, reviewer, "Familien er kendt og i forløb.")
    entry = AuditEntry.objects.get(object_type="risk.hit", object_id=str(hit.pk),
                                   action="transition")
    assert entry.changes["status"] == ["open", "dismissed"]
    assert entry.actor_username == "lene"


def test_a_decided_hit_cannot_be_decided_again(reviewer, hit):
    hit_dismiss(actor=reviewer, hit=hit, reason="Kendt.")
    with pytest.raises(ValidationError) as error:
        hit_send_social_report(actor=reviewer, hit=hit, concern_text="Bekymring")
    assert error.value.code == "decided"


def test_the_social_report_reaches_the_childrens_municipality(client_for, reviewer, caseworker,
                                                              other_caseworker, hit):
    response = client_for(reviewer).post(
        f"/api/v1/socialsoeg/hits/{hit.pk}/send-report",
        {"concern_text": "Politiet er bekymret for børnene."}, content_type="application/json",
    )
    assert response.status_code == 200, response.content
    hit.refresh_from_db()
    assert hit.status == HitStatus.REPORTED
    case = hit.social_report_case
    assert (case.case_type, case.origin, case.municipality.code, case.state) == (
        "social_report", "socialsoeg", "265", "sent")
    assert case.fields["recipient_municipality_code"] == "265"
    # The caseworker of the children's municipality sees the case and both children.
    assert case_get(user=caseworker, pk=case.pk) == case
    children = [p.person_id for p in hit.persons.filter(role="child")]
    granted = set(AccessGrant.objects.filter(
        organisation_id=caseworker.organisation_id, subject_type="persons.person",
    ).values_list("subject_id", flat=True))
    assert set(children) <= granted
    assert Disclosure.objects.filter(to_organisation_id=caseworker.organisation_id,
                                     legal_basis="barnets_lov_133").exists()
    response = client_for(caseworker).get(f"/sager/{case.pk}/")
    assert response.status_code in (200, 404)  # the cases app's page, when it has one
    # Køge's caseworker does not.
    with pytest.raises(Exception):  # noqa: B017
        case_get(user=other_caseworker, pk=case.pk)
    entry = AuditEntry.objects.get(object_type="risk.hit", object_id=str(hit.pk),
                                   action="transition")
    assert entry.changes["status"] == ["open", "reported"]
    assert entry.changes["cases"] == [case.case_ref]
    assert Case.objects.filter(case_type="social_report").count() == 1


def test_a_reviewer_starts_a_run_from_the_queue(client_for, reviewer, hit):
    response = client_for(reviewer).post(reverse("risk:run"))
    assert response.status_code == 302
    assert Hit.objects.count() == 1


def test_a_reviewer_creates_backtests_and_activates_a_version(client_for, reviewer, analyst,
                                                               town):
    _mother, father, _ = town.family()
    town.incident("violence", (father, "suspect"), days_ago=100)  # 2: no hit under v1
    assert not Hit.objects.exists()
    form = {"version": "v2-test", "description": "Vold vejer 3", "window_days": 365,
            "serious_weight": 3, "clause_b_min_incidents": 2, "clause_b_min_score": 4,
            "reopen_min_new_weight": 2}
    weights = RuleSetVersion.objects.get(version="v1").definition["category_weights"]
    form.update({f"weight_{code}": weight for code, weight in weights.items()})
    form["weight_violence"] = 3
    response = client_for(analyst).post(reverse("risk:rules"), form)
    assert response.status_code == 302
    v2 = RuleSetVersion.objects.get(version="v2-test")
    assert (v2.is_active, v2.district.slug) == (False, "midt-vestsjaelland")
    response = client_for(analyst).get(reverse("risk:rules"),
                                       {"as_of": "2025-06-30", "rule_set": "v1",
                                        "compare": "v2-test"})
    assert response.status_code == 200
    assert "1 familie kommer til" in response.content.decode()  # "1 family gained"
    assert not Hit.objects.exists()  # backtesting writes no hits
    # The analyst may not activate; the reviewer may, and it is audited.
    assert client_for(analyst).post(reverse("risk:rule_activate", args=[v2.pk])).status_code == 403
    assert client_for(reviewer).post(reverse("risk:rule_activate", args=[v2.pk])).status_code == 302
    v2.refresh_from_db()
    assert v2.is_active and v2.activated_by == reviewer
    assert AuditEntry.objects.filter(object_type="risk.rulesetversion", object_id=str(v2.pk),
                                     action="update").exists()
    response = client_for(reviewer).post("/api/v1/socialsoeg/runs", {},
                                         content_type="application/json")
    assert response.status_code == 201
    assert response.json()["rule_set"] == "v2-test"
    assert Hit.objects.get().rule_set_version == v2
