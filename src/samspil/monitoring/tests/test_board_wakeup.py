"""Board streams wake when alerts are committed, not at their next poll (monitoring.wakeup)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import psycopg
import pytest
from django.db import connection

from samspil.monitoring import wakeup
from samspil.monitoring.models import MonitoringOrder
from samspil.monitoring.tests.conftest import TAG_ID, ingest, message

# Far longer than any test takes: a wait that returns True was woken, not timed out.
PATIENCE = 30.0


def listening() -> None:
    """Start the PostgreSQL listener, as a stream's first wait does; it wakes everyone once when it
    starts (to cover what it may have missed), so a test reads the count after that."""
    wakeup.wait(wakeup.generation(), 0.0)


def waiter(seen: int) -> tuple[threading.Thread, list[bool]]:
    woken: list[bool] = []
    thread = threading.Thread(target=lambda: woken.append(wakeup.wait(seen, PATIENCE)))
    thread.start()
    return thread, woken


@pytest.mark.django_db(transaction=True)
def test_a_committed_alert_wakes_a_waiting_stream(order: MonitoringOrder, base: datetime) -> None:
    listening()
    seen = wakeup.generation()
    thread, woken = waiter(seen)

    ingest(message(TAG_ID, base, 3000), message(TAG_ID, base + timedelta(minutes=1), 100))

    thread.join(PATIENCE + 5)
    assert woken == [True]
    assert wakeup.generation() != seen


@pytest.mark.django_db
def test_an_alert_not_yet_committed_wakes_no_one(order: MonitoringOrder, base: datetime) -> None:
    listening()
    # The test runs in a transaction that is never committed, so the alert is never visible.
    seen = wakeup.generation()

    ingest(message(TAG_ID, base, 3000), message(TAG_ID, base + timedelta(minutes=1), 100))

    assert wakeup.wait(seen, 0.2) is False


@pytest.mark.django_db(transaction=True)
def test_positions_that_raise_nothing_wake_no_one(order: MonitoringOrder, base: datetime) -> None:
    listening()
    seen = wakeup.generation()

    ingest(message(TAG_ID, base, 3000), message(TAG_ID, base + timedelta(minutes=1), 2900))

    assert wakeup.wait(seen, 0.2) is False


@pytest.mark.django_db(transaction=True)
def test_a_notification_from_another_process_wakes_a_stream() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; on SQLite other processes are polled for")
    listening()
    seen = wakeup.generation()
    thread, woken = waiter(seen)
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)

    # Another process (the MQTT subscriber, say) commits alerts: its own connection notifies.
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute(f"NOTIFY {wakeup.CHANNEL}")

    thread.join(PATIENCE + 5)
    assert woken == [True]
