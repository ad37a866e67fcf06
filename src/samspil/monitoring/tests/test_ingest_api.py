"""POST /api/v1/monitoring/positions: a device's bearer token, per-item results, bad items counted."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from samspil.accounts.models import User
from samspil.monitoring.models import (
    Alert,
    Device,
    MonitoringOrder,
    PositionRecord,
    RejectedMessage,
)
from samspil.monitoring.services import device_register
from samspil.monitoring.tests.conftest import TAG_ID, VICTIM_ID, message

pytestmark = pytest.mark.django_db
URL = "/api/v1/monitoring/positions"


def post(body: Any, token: str | None, client: Client | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return (client or Client()).post(URL, raw, content_type="application/json", headers=headers)


def test_a_device_posts_its_positions_and_the_alert_is_raised(
    order: MonitoringOrder, tokens: dict[str, str], base: datetime
) -> None:
    response = post([message(TAG_ID, base, 2000), message(TAG_ID, base + timedelta(minutes=1), 0)],
                    tokens[TAG_ID])

    assert response.status_code == 200
    body = response.json()
    assert (body["stored"], body["duplicates"], body["rejected"], body["alerts"]) == (2, 0, 0, 1)
    assert [item["status"] for item in body["items"]] == ["stored", "stored"]
    assert Alert.objects.get().type == "zone_enter"


def test_a_wrong_or_missing_token_is_refused_and_nothing_is_stored(
    order: MonitoringOrder, tokens: dict[str, str], base: datetime
) -> None:
    batch = [message(TAG_ID, base, 0)]
    wrong = tokens[TAG_ID][:-3] + "xyz"

    for token in (wrong, None, "", "no-dot-at-all", f"NO-SUCH-DEVICE.{wrong.split('.')[-1]}"):
        response = post(batch, token)
        assert response.status_code == 401, token
        assert "stored" not in response.json()
    assert PositionRecord.objects.count() == 0


def test_a_session_of_a_signed_in_user_is_no_device_token(
    order: MonitoringOrder, officer: User, client_for: Any, base: datetime
) -> None:
    response = post([message(TAG_ID, base, 0)], None, client_for(officer))

    assert response.status_code == 401
    assert PositionRecord.objects.count() == 0


def test_a_device_may_report_only_its_own_positions(
    order: MonitoringOrder, tokens: dict[str, str], base: datetime
) -> None:
    response = post([message(VICTIM_ID, base, 0), message(TAG_ID, base, 3000)], tokens[TAG_ID])

    assert [(item["status"], item.get("reason")) for item in response.json()["items"]] == [
        ("rejected", "not_permitted"),
        ("stored", None),
    ]


def test_a_gateway_reports_for_the_devices_of_its_organisation(
    order: MonitoringOrder, officer: User, base: datetime
) -> None:
    _gateway, token = device_register(actor=officer, device_id="GW-1", kind="gateway")

    response = post([message(VICTIM_ID, base, 0), message(TAG_ID, base, 3000)], token)

    assert response.json()["stored"] == 2


def test_a_gateway_of_another_district_may_not_report_for_ours(
    order: MonitoringOrder, outsider: User, base: datetime
) -> None:
    _gateway, token = device_register(actor=outsider, device_id="GW-SSJ", kind="gateway")

    response = post([message(TAG_ID, base, 0)], token)

    assert response.json()["items"][0]["reason"] == "not_permitted"
    assert PositionRecord.objects.count() == 0


def test_bad_items_are_refused_one_by_one_and_a_broken_body_is_counted(
    order: MonitoringOrder, tokens: dict[str, str], base: datetime
) -> None:
    response = post([{"device_id": TAG_ID}, message(TAG_ID, base, 0), 42], tokens[TAG_ID])

    assert response.status_code == 200
    assert [item["status"] for item in response.json()["items"]] == [
        "rejected", "stored", "rejected"]

    broken = post("[{not json", tokens[TAG_ID])
    assert broken.status_code == 400
    assert broken.json()["reason"] == "not_json"
    assert RejectedMessage.objects.get(reason="not_json", source="http").count == 1


def test_an_inactive_device_token_stops_working(
    order: MonitoringOrder, tokens: dict[str, str], base: datetime
) -> None:
    Device.objects.filter(device_id=TAG_ID).update(active=False)

    assert post([message(TAG_ID, base, 0)], tokens[TAG_ID]).status_code == 401
