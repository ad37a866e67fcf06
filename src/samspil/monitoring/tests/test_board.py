"""The operations board, its stream, the operators' actions and the order page — and who is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from samspil.accounts.models import User
from samspil.audit.models import AuditEntry
from samspil.cases.models import CaseNote
from samspil.incidents.models import Involvement
from samspil.monitoring import selectors, views
from samspil.monitoring.models import Alert, MonitoringOrder
from samspil.monitoring.tests.conftest import TAG_ID, ingest, message

pytestmark = pytest.mark.django_db


@pytest.fixture
def entered(order: MonitoringOrder, base: datetime) -> Alert:
    ingest(message(TAG_ID, base, 3000), message(TAG_ID, base + timedelta(minutes=1), 100))
    return Alert.objects.get(type="zone_enter")


def stream(client: Client, url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(views, "STREAM_SECONDS", 0.0)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    return b"".join(response.streaming_content).decode()


def test_the_board_lists_the_districts_alerts_and_logs_the_read(
    entered: Alert, officer: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(officer).get("/overvaagning/")

    assert response.status_code == 200
    assert f'data-alert-id="{entered.pk}"' in response.content.decode()
    assert AuditEntry.objects.filter(object_type="monitoring.alert", object_id=str(entered.pk),
                                     action="read", actor_id=officer.pk).exists()


def test_the_stream_sends_alerts_after_the_cursor(
    entered: Alert, officer: User, client_for: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = stream(client_for(officer), f"/overvaagning/stroem/?after={entered.pk - 1}",
                  monkeypatch)

    assert f"id: {entered.pk}\nevent: alert\n" in body
    assert '"type": "zone_enter"' in body
    assert stream(client_for(officer), f"/overvaagning/stroem/?after={entered.pk}",
                  monkeypatch).count("event: alert") == 0


def test_the_json_endpoint_gives_new_alerts(
    entered: Alert, officer: User, client_for: Callable[[User], Client]
) -> None:
    body = client_for(officer).get("/overvaagning/alarmer.json?after=0").json()

    assert [alert["id"] for alert in body["alerts"]] == [entered.pk]
    assert body["last_id"] == entered.pk


def test_an_operator_acknowledges_and_escalates_with_notes(
    entered: Alert, officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(officer)

    client.post(f"/overvaagning/alarmer/{entered.pk}/kvitter/", {"note": "Patrol informed"})
    entered.refresh_from_db()
    assert (entered.status, entered.acknowledged_by) == ("acknowledged", officer)
    assert "Patrol informed" in entered.note

    refused = client.post(f"/overvaagning/alarmer/{entered.pk}/eskaler/", {"note": ""})
    assert refused.status_code == 302
    entered.refresh_from_db()
    assert entered.status == "acknowledged"

    client.post(f"/overvaagning/alarmer/{entered.pk}/eskaler/", {"note": "Duty officer called"})
    entered.refresh_from_db()
    assert (entered.status, entered.escalated_by) == ("escalated", officer)


def test_a_confirmed_breach_registers_an_incident_with_the_suspect_and_notes_the_case(
    entered: Alert, order: MonitoringOrder, officer: User, client_for: Callable[[User], Client]
) -> None:
    client_for(officer).post(f"/overvaagning/alarmer/{entered.pk}/bekraeft/",
                             {"note": "Seen by the patrol"})

    entered.refresh_from_db()
    incident = entered.breach_incident
    assert incident is not None
    assert incident.category.code == "restraining_order_breach"
    assert incident.occurred_at == entered.time
    assert incident.owner_organisation_id == order.owner_organisation_id
    assert list(Involvement.objects.filter(incident=incident).values_list("person_id", "role")) == [
        (order.person_id, "suspect")]
    assert CaseNote.objects.filter(case=order.case, text__contains=incident.journal_no).exists()
    assert not selectors.stalking_suspected(order=order)


def test_repeated_confirmed_breaches_flag_possible_stalking(
    order: MonitoringOrder, officer: User, client_for: Callable[[User], Client], base: datetime
) -> None:
    client = client_for(officer)
    for minute in (0, 10):
        ingest(message(TAG_ID, base + timedelta(minutes=minute), 100),
               message(TAG_ID, base + timedelta(minutes=minute + 5), 3000))
    for alert in Alert.objects.filter(type="zone_enter"):
        client.post(f"/overvaagning/alarmer/{alert.pk}/bekraeft/", {})

    assert selectors.stalking_suspected(order=order)
    assert "§ 242" in client.get("/overvaagning/").content.decode()


def test_a_zone_exit_cannot_be_confirmed_as_a_breach(
    order: MonitoringOrder, officer: User, client_for: Callable[[User], Client], base: datetime
) -> None:
    ingest(message(TAG_ID, base, 100), message(TAG_ID, base + timedelta(minutes=1), 3000))
    exit_ = Alert.objects.get(type="zone_exit")

    client_for(officer).post(f"/overvaagning/alarmer/{exit_.pk}/bekraeft/", {})

    exit_.refresh_from_db()
    assert exit_.breach_incident is None


def test_the_order_page_shows_the_configuration_and_replays_an_uploaded_track(
    order: MonitoringOrder, officer: User, client_for: Callable[[User], Client], base: datetime
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from samspil.monitoring.tests.support import place

    lat, lon = place(0, 0)
    far_lat, far_lon = place(3000, 0)
    track = ("device_id,time,lat,lon,accuracy_m,battery,tamper\n"
             f"{TAG_ID},{base.isoformat()},{far_lat},{far_lon},5,,\n"
             f"{TAG_ID},{(base + timedelta(minutes=1)).isoformat()},{lat},{lon},5,,\n")
    client = client_for(officer)
    url = f"/overvaagning/ordrer/{order.pk}/"

    assert order.order_id in client.get(url).content.decode()
    upload = SimpleUploadedFile("track.csv", track.encode(), content_type="text/csv")
    page = client.post(url, {"positions": upload}).content.decode()
    assert 'id="replay-result"' in page
    entered_at = timezone.localtime(base + timedelta(minutes=1)).strftime("%d.%m.%Y %H:%M:%S")
    assert entered_at in page
    assert Alert.objects.count() == 0  # a replay stores nothing

    bad = SimpleUploadedFile("track.csv", b"device_id,time\n", content_type="text/csv")
    assert "track.csv, line 1" in client.post(
        url, {"positions": bad}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()


# --- Who is refused ------------------------------------------------------------------------------


def pages(alert: Alert) -> list[tuple[str, str]]:
    return [
        ("get", "/overvaagning/"),
        ("get", "/overvaagning/stroem/"),
        ("get", "/overvaagning/alarmer.json"),
        ("get", f"/overvaagning/ordrer/{alert.order_id}/"),
        ("post", f"/overvaagning/alarmer/{alert.pk}/kvitter/"),
        ("post", f"/overvaagning/alarmer/{alert.pk}/eskaler/"),
        ("post", f"/overvaagning/alarmer/{alert.pk}/bekraeft/"),
    ]


def test_an_outsider_sees_none_of_the_districts_alerts_and_can_act_on_none(
    entered: Alert, outsider: User, client_for: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = client_for(outsider)
    monkeypatch.setattr(views, "STREAM_SECONDS", 0.0)

    board = client.get("/overvaagning/")
    assert board.status_code == 200  # their own district's board, empty
    assert entered.order.order_id not in board.content.decode()
    assert client.get("/overvaagning/alarmer.json?after=0").json()["alerts"] == []
    assert "event: alert" not in stream(client, "/overvaagning/stroem/?after=0", monkeypatch)
    assert client.get(f"/overvaagning/ordrer/{entered.order_id}/").status_code == 404
    for action in ("kvitter", "eskaler", "bekraeft"):
        response = client.post(f"/overvaagning/alarmer/{entered.pk}/{action}/", {"note": "x"})
        assert response.status_code == 404
    entered.refresh_from_db()
    assert (entered.status, entered.note, entered.breach_incident_id) == ("new", "", None)
    assert AuditEntry.objects.filter(actor_id=outsider.pk, action="read_denied").exists()


@pytest.mark.parametrize("who", ["caseworker", "other_caseworker", "dpo"])
def test_users_without_the_monitoring_purpose_are_refused_everywhere(
    who: str, entered: Alert, request: pytest.FixtureRequest,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(request.getfixturevalue(who))

    for method, url in pages(entered):
        response = getattr(client, method)(url, {"note": "x"} if method == "post" else {})
        assert response.status_code in (403, 404), url
    entered.refresh_from_db()
    assert entered.status == "new"


def test_anonymous_visitors_are_sent_to_sign_in(entered: Alert) -> None:
    for method, url in pages(entered):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and "/konto/login/" in response["Location"], url


def test_the_board_filters_by_status_and_type(
    entered: Alert, officer: User, client_for: Callable[[User], Client], base: Any
) -> None:
    client = client_for(officer)

    assert f'data-alert-id="{entered.pk}"' in client.get(
        "/overvaagning/?status=new&type=zone_enter").content.decode()
    assert f'data-alert-id="{entered.pk}"' not in client.get(
        "/overvaagning/?status=acknowledged").content.decode()
    assert f'data-alert-id="{entered.pk}"' not in client.get(
        "/overvaagning/?type=tamper").content.decode()
