"""Through the real Mosquitto broker on 127.0.0.1:1883: publish with paho, see it stored and alerted."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from samspil.monitoring.models import Alert, MonitoringOrder, PositionRecord, RejectedMessage
from samspil.monitoring.mqtt import Subscriber
from samspil.monitoring.tests.conftest import TAG_ID, message

BROKER = ("127.0.0.1", 1883)


def broker_available() -> bool:
    try:
        with socket.create_connection(BROKER, timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not broker_available(), reason="no MQTT broker on 127.0.0.1:1883"),
]


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def prefix() -> str:
    # A topic of its own per test run, so parallel runs and stray publishers never mix in.
    return f"samspil-test/{uuid.uuid4().hex}/positions"


@pytest.fixture
def subscriber(prefix: str) -> Iterator[Subscriber]:
    running = Subscriber(host=BROKER[0], port=BROKER[1], topic=f"{prefix}/#",
                         silence_interval=3600)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    assert running.subscribed.wait(10), "the subscriber did not subscribe"
    yield running
    running.stop()
    thread.join(10)


def publish(topic: str, payload: bytes | str) -> None:
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
    client.connect(*BROKER)
    client.loop_start()
    client.publish(topic, payload, qos=1).wait_for_publish(5)
    client.disconnect()
    client.loop_stop()


def test_a_published_position_is_stored_and_raises_the_alert(
    order: MonitoringOrder, subscriber: Subscriber, prefix: str, base: datetime
) -> None:
    batch = [message(TAG_ID, base, 3000), message(TAG_ID, base + timedelta(minutes=1), 100)]

    publish(f"{prefix}/{TAG_ID}", json.dumps(batch))

    assert wait_for(lambda: Alert.objects.filter(type="zone_enter").exists())
    assert PositionRecord.objects.filter(source="mqtt").count() == 2


def test_bad_messages_are_counted_and_the_subscriber_goes_on(
    order: MonitoringOrder, subscriber: Subscriber, prefix: str, base: datetime
) -> None:
    publish(f"{prefix}/{TAG_ID}", b"\xff not json")
    publish(f"{prefix}/{TAG_ID}", json.dumps({"device_id": TAG_ID, "lat": 1}))
    publish(f"{prefix}/VIC-0001", json.dumps([message(TAG_ID, base, 100)]))  # not its own topic
    publish(f"{prefix}/{TAG_ID}", json.dumps([message(TAG_ID, base + timedelta(minutes=2), 100)]))

    assert wait_for(lambda: Alert.objects.filter(type="zone_enter").exists())
    counts = dict(RejectedMessage.objects.filter(source="mqtt").values_list("reason", "count"))
    assert counts == {"not_json": 1, "missing_field": 1, "not_permitted": 1}
