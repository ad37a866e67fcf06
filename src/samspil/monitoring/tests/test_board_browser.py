"""In a real browser: an alert posted through the ingest endpoint appears on the open board
without a reload, within a second, and is acknowledged there."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Any

import pytest

from samspil.accounts.models import User
from samspil.conftest import sign_in
from samspil.monitoring.models import Alert, MonitoringOrder
from samspil.monitoring.tests.conftest import TAG_ID, message
from samspil.web.tests.browser import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def post_positions(page: Any, token: str, batch: list[dict[str, Any]]) -> Any:
    return page.request.post(
        "/api/v1/monitoring/positions",
        data=json.dumps(batch),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


def test_an_alert_appears_on_the_open_board_and_is_acknowledged(
    page: Any, officer: User, order: MonitoringOrder, tokens: dict[str, str], base: datetime
) -> None:
    sign_in(page, officer)
    page.goto("/overvaagning/")
    page.wait_for_function(
        "document.getElementById('monitoring-live').textContent.indexOf('Live') !== -1"
        " || document.getElementById('monitoring-live').textContent.indexOf('automatisk') !== -1"
    )
    assert_accessible(page)
    screenshot(page, "monitoring-01-board-empty")
    page.evaluate("window.samspilNotReloaded = true")

    started = time.monotonic()
    response = post_positions(page, tokens[TAG_ID], [
        message(TAG_ID, base, 3000), message(TAG_ID, base + timedelta(minutes=1), 100)])
    assert response.status == 200
    row = page.wait_for_selector("#monitoring-board tbody tr[data-status=new]", timeout=5000)
    elapsed = time.monotonic() - started
    assert elapsed < 1.5, f"the alert took {elapsed:.2f} s to reach the board"
    assert page.evaluate("window.samspilNotReloaded === true")
    alert = Alert.objects.get()
    assert row.get_attribute("data-alert-id") == str(alert.pk)
    assert order.order_id in row.inner_text()
    assert_accessible(page)
    screenshot(page, "monitoring-02-alert-arrived")

    page.fill(f"#note-{alert.pk}", "Patruljen er orienteret")
    page.click(f'tr[data-alert-id="{alert.pk}"] button[data-button=acknowledge]')
    page.wait_for_selector(f'tr[data-alert-id="{alert.pk}"][data-status=acknowledged]')
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by_id) == ("acknowledged", officer.pk)
    assert "Patruljen er orienteret" in alert.note
    assert_accessible(page)
    screenshot(page, "monitoring-03-acknowledged")


def test_an_outsider_sees_no_alert_of_the_district(
    page: Any, outsider: User, order: MonitoringOrder, tokens: dict[str, str], base: datetime
) -> None:
    sign_in(page, outsider)
    page.goto("/overvaagning/")
    post_positions(page, tokens[TAG_ID], [message(TAG_ID, base, 100)])
    page.wait_for_timeout(1500)

    assert page.locator("#monitoring-board tbody tr").count() == 0
    response = page.goto(f"/overvaagning/ordrer/{order.pk}/")
    assert response is not None and response.status == 404
