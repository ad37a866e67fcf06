"""One evaluation core: the same track gives the same alerts live (ingest → Alert rows) and replayed."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from samspil.monitoring import core
from samspil.monitoring.models import Alert, MonitoringOrder
from samspil.monitoring.orders import order_to_json, to_core_order
from samspil.monitoring.replay import load_orders, load_positions, replay
from samspil.monitoring.tests.conftest import TAG_ID, VICTIM_ID, ingest, message

pytestmark = pytest.mark.django_db


def night(base: datetime) -> list[dict[str, Any]]:
    """A night of fixes: approach, in, skirting, out, silence, battery, tamper, the victim near."""
    def at(minutes: float) -> datetime:
        return base + timedelta(minutes=minutes)

    tag = [
        (0, 3000, 0, {"battery": 0.9, "tamper": 0}),
        (1, 1200, 0, {}),
        (2, 480, 0, {}),
        (3, 530, 0, {}),
        (4, 499, 0, {}),
        (5, 545, 0, {"battery": 0.12}),
        (6, 700, 0, {"battery": 0.1}),
        (7, 1500, 2000, {"tamper": 1}),
        (8, 1500, 2100, {"tamper": 1}),
        (9, 1500, 2200, {"tamper": 0, "battery": 0.5}),
        # Twenty minutes of silence.
        (29, 1500, 2300, {"battery": 0.05, "tamper": 1}),
        (30, 1200, 2900, {}),
        (31, -2000, 2900, {}),
    ]
    victim = [(m, 1000 + 20 * m, 3000, {}) for m in range(0, 32, 2)]
    messages = [message(TAG_ID, at(m), east, north, **extra) for m, east, north, extra in tag]
    messages += [message(VICTIM_ID, at(m + 0.25), east, north) for m, east, north, _ in victim]
    return sorted(messages, key=lambda item: item["time"])


def key(alert: Any) -> tuple[datetime, str, str, str, str]:
    zone = alert.zone_id or ""
    type_ = alert.type if isinstance(alert.type, str) else alert.type.value
    return (alert.time.astimezone(UTC), alert.order.order_id if hasattr(alert, "order") else
            alert.order_id, type_, zone, alert.device_id)


def test_a_night_gives_the_same_alerts_live_and_in_the_replay(
    order: MonitoringOrder, base: datetime, tmp_path: Path
) -> None:
    messages = night(base)
    for item in messages:
        ingest(item)
    live = sorted(key(alert) for alert in Alert.objects.select_related("order"))

    # The replay reads the order as ORDERS.json and the track as POSITIONS.csv.
    orders_file = tmp_path / "orders.json"
    orders_file.write_text(json.dumps({"orders": [order_to_json(to_core_order(order))]}))
    positions_file = tmp_path / "positions.csv"
    with positions_file.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["device_id", "time", "lat", "lon", "accuracy_m", "battery", "tamper"])
        for item in reversed(messages):  # any order: the replay sorts
            writer.writerow([item["device_id"], item["time"], repr(item["lat"]),
                             repr(item["lon"]), item["accuracy_m"], item.get("battery", ""),
                             item.get("tamper", "")])
    replayed = sorted(key(alert) for alert in
                      replay(load_orders(orders_file), load_positions(positions_file)))

    assert live == replayed
    assert {alert[2] for alert in live} == {
        "zone_enter", "zone_exit", "battery_low", "tamper", "lost_contact", "proximity",
        "proximity_end",
    }


def test_the_database_order_is_the_order_the_replay_reads(order: MonitoringOrder, tmp_path: Path) -> None:
    path = tmp_path / "orders.json"
    path.write_text(json.dumps({"orders": [order_to_json(to_core_order(order))]}))

    assert load_orders(path) == [to_core_order(order)]
    assert isinstance(to_core_order(order), core.Order)
