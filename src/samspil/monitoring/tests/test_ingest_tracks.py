"""Tracks through the ingest service and the database: the alerts land as Alert rows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from samspil.monitoring.models import Alert, MonitoringOrder, PositionRecord, RejectedMessage
from samspil.monitoring.services import positions_ingest, silence_check
from samspil.monitoring.tests.conftest import TAG_ID, VICTIM_ID, ingest, message

pytestmark = pytest.mark.django_db


def alerts() -> list[tuple[str, str, str, datetime]]:
    return [
        (alert.type, alert.zone_id, alert.device_id, alert.time)
        for alert in Alert.objects.order_by("time", "type")
    ]


def minutes(base: datetime, value: float) -> datetime:
    return base + timedelta(minutes=value)


def test_a_tag_entering_the_zone_raises_one_alert_in_the_same_transaction(
    order: MonitoringOrder, base: datetime
) -> None:
    result = ingest(message(TAG_ID, minutes(base, 0), 2000), message(TAG_ID, minutes(base, 1), 400))

    assert [item["status"] for item in result.items] == ["stored", "stored"]
    assert alerts() == [("zone_enter", "home", TAG_ID, minutes(base, 1))]
    assert [alert.pk for alert in result.alerts] == list(Alert.objects.values_list("pk", flat=True))
    assert Alert.objects.get().status == "new"


def test_a_tag_skirting_the_boundary_does_not_flap_and_leaving_raises_an_exit(
    order: MonitoringOrder, base: datetime
) -> None:
    # In at 490 m, then back and forth in the band between 500 m and 550 m, then out at 600 m.
    track = [490, 520, 498, 540, 505, 549, 600]
    for step, east in enumerate(track):
        ingest(message(TAG_ID, minutes(base, step), east))

    assert alerts() == [
        ("zone_enter", "home", TAG_ID, minutes(base, 0)),
        ("zone_exit", "home", TAG_ID, minutes(base, 6)),
    ]


def test_a_silent_tag_raises_lost_contact_once_from_the_silence_check(
    order: MonitoringOrder, base: datetime
) -> None:
    ingest(message(TAG_ID, minutes(base, 0), 3000))

    assert silence_check(now=minutes(base, 5)) == []
    raised = silence_check(now=minutes(base, 15))
    assert silence_check(now=minutes(base, 20)) == []
    # The fix that ends the silence does not raise it a second time.
    ingest(message(TAG_ID, minutes(base, 30), 3000))

    assert [(alert.type, alert.time) for alert in raised] == [
        ("lost_contact", minutes(base, 10))
    ]
    assert alerts() == [("lost_contact", "", TAG_ID, minutes(base, 10))]


def test_a_late_fix_alone_raises_lost_contact_like_the_replay(
    order: MonitoringOrder, base: datetime
) -> None:
    ingest(message(TAG_ID, minutes(base, 0), 3000))
    ingest(message(TAG_ID, minutes(base, 25), 3000))

    assert alerts() == [("lost_contact", "", TAG_ID, minutes(base, 10))]


def test_a_tag_approaching_a_moving_protected_device(order: MonitoringOrder, base: datetime) -> None:
    # The protected person walks east, 3 km north of the home zone; the tag catches up.
    north = 3000
    ingest(
        message(VICTIM_ID, minutes(base, 0), 0, north),
        message(TAG_ID, minutes(base, 0.5), -5000, north),
    )
    ingest(message(VICTIM_ID, minutes(base, 1), 300, north),
           message(TAG_ID, minutes(base, 1.5), -1500, north))
    ingest(message(VICTIM_ID, minutes(base, 2), 600, north),
           message(TAG_ID, minutes(base, 2.5), -300, north))
    ingest(message(VICTIM_ID, minutes(base, 3), 2000, north))

    assert alerts() == [
        ("proximity", "", TAG_ID, minutes(base, 2.5)),
        ("proximity_end", "", VICTIM_ID, minutes(base, 3)),
    ]


def test_duplicates_are_ignored_and_an_older_fix_is_stored_but_not_evaluated(
    order: MonitoringOrder, base: datetime
) -> None:
    ingest(message(TAG_ID, minutes(base, 0), 3000), message(TAG_ID, minutes(base, 5), 3000))

    result = ingest(
        message(TAG_ID, minutes(base, 5), 3000),  # again: ignored
        message(TAG_ID, minutes(base, 2), 0),  # older than the last: history, not news
    )

    assert [item["status"] for item in result.items] == ["duplicate", "stored"]
    assert PositionRecord.objects.count() == 3
    assert alerts() == []


def test_bad_messages_are_refused_with_reasons_and_counted_and_the_batch_goes_on(
    order: MonitoringOrder, base: datetime
) -> None:
    good = message(TAG_ID, minutes(base, 1), 400)
    result = positions_ingest(
        source="http",
        positions=[
            {**message(TAG_ID, minutes(base, 0), 0), "lat": 123},
            "not an object",
            {**message(TAG_ID, minutes(base, 0), 0), "time": "yesterday"},
            message("NO-SUCH-TAG", minutes(base, 0), 0),
            {**message(TAG_ID, minutes(base, 0), 0), "battery": 7},
            good,
            {**message(TAG_ID, minutes(base, 2), 0), "lat": 55.0, "lon": None},
        ],
    )

    assert [(item["status"], item.get("reason")) for item in result.items] == [
        ("rejected", "bad_latitude"),
        ("rejected", "not_object"),
        ("rejected", "bad_time"),
        ("rejected", "unknown_device"),
        ("rejected", "bad_battery"),
        ("stored", None),
        ("rejected", "missing_field"),
    ]
    assert alerts() == [("zone_enter", "home", TAG_ID, minutes(base, 1))]
    counts = dict(RejectedMessage.objects.values_list("reason", "count"))
    assert counts == {"bad_latitude": 1, "not_object": 1, "bad_time": 1, "unknown_device": 1,
                      "bad_battery": 1, "missing_field": 1}
    positions_ingest(source="http", positions=[{**good, "lat": 91}])
    assert RejectedMessage.objects.get(reason="bad_latitude").count == 2
    # The sample keeps the message's shape, never its values.
    sample = RejectedMessage.objects.get(reason="bad_latitude").sample
    assert "55." not in str(sample) and TAG_ID not in str(sample)


def test_a_fix_far_in_the_future_is_refused(order: MonitoringOrder, base: datetime) -> None:
    result = ingest(message(TAG_ID, base + timedelta(days=1), 0))

    assert result.items[0]["reason"] == "time_in_future"
    assert PositionRecord.objects.count() == 0


def test_an_inactive_order_raises_nothing_and_a_new_order_is_picked_up(
    make_order: object, officer: object, base: datetime
) -> None:
    from samspil.monitoring.services import monitoring_order_set_active

    order = make_order()  # type: ignore[operator]
    monitoring_order_set_active(actor=officer, order=order, active=False)
    ingest(message(TAG_ID, minutes(base, 0), 0))
    assert alerts() == []

    monitoring_order_set_active(actor=officer, order=order, active=True)
    ingest(message(TAG_ID, minutes(base, 1), 3000))
    ingest(message(TAG_ID, minutes(base, 2), 0))
    # A reactivated order starts outside, as every order does: the fix it missed does not count.
    assert alerts() == [("zone_enter", "home", TAG_ID, minutes(base, 2))]
