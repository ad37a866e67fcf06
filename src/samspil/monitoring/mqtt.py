"""The MQTT subscriber: positions published to the broker go through the one ingest service.

Topic ``samspil/positions/<device id>`` (or any topic under the subscription): the payload is the
same JSON as the HTTP endpoint's body, a list of positions or a single one. The broker
authenticates the publishers (Mosquitto: a password and an ACL per device or gateway, allowing
each device to publish on its own topic only); the subscriber additionally refuses a position for
another device than the topic names, unless the topic names a gateway.

A bad message is refused, counted and logged without its content; nothing a publisher sends can
stop the subscriber. A lost broker connection is retried with back-off for ever. Silence checks
run on the main thread every ``silence_interval`` seconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as mqtt
from django.db import close_old_connections
from paho.mqtt.enums import CallbackAPIVersion

from samspil.monitoring.constants import IngestSource
from samspil.monitoring.messages import Refusal, parse_batch
from samspil.monitoring.models import Device
from samspil.monitoring.services import positions_ingest, rejection_count, silence_check

logger = logging.getLogger(__name__)

DEFAULT_TOPIC = "samspil/positions/#"


def topic_device(topic: str) -> Device | None:
    """The registered device the last topic level names, if any."""
    name = topic.rsplit("/", 1)[-1]
    return Device.objects.filter(device_id=name, active=True).first() if name else None


def handle_payload(topic: str, payload: bytes) -> dict[str, int]:
    """Ingest one MQTT message; return counts. Never raises for bad content."""
    close_old_connections()
    batch = parse_batch(payload)
    if isinstance(batch, Refusal):
        rejection_count(reason=batch.reason, source=IngestSource.MQTT, sample=batch.sample)
        return {"stored": 0, "rejected": 1, "alerts": 0}
    # A device's own topic carries only its own positions; a gateway's, those of its
    # organisation's devices; a topic naming no device relies on the broker's ACL.
    credential = topic_device(topic)
    result = positions_ingest(positions=batch, source=IngestSource.MQTT, credential=credential)
    return {"stored": result.count("stored"), "rejected": result.count("rejected"),
            "alerts": len(result.alerts)}


class Subscriber:
    """Subscribe, ingest, reconnect; ``run`` blocks until ``stop`` is called."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 1883,
        topic: str = DEFAULT_TOPIC,
        username: str | None = None,
        password: str | None = None,
        silence_interval: float = 15.0,
        client_id: str = "",
        on_result: Callable[[str, dict[str, int]], None] | None = None,
    ) -> None:
        self.host, self.port, self.topic = host, port, topic
        self.silence_interval = silence_interval
        self.on_result = on_result
        self.stopped = threading.Event()
        self.subscribed = threading.Event()
        self.client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2,
                                  client_id=client_id, clean_session=True)
        if username:
            self.client.username_pw_set(username, password)
        # Back off from 1 s to 30 s between attempts while the broker is away.
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any,
                    properties: Any) -> None:
        if getattr(reason, "is_failure", False):
            logger.warning("MQTT connection refused: %s", reason)
            return
        # Subscribing on every (re)connect: a clean session forgets subscriptions.
        client.subscribe(self.topic, qos=1)
        logger.info("MQTT connected to %s:%s, subscribed to %s", self.host, self.port, self.topic)

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any,
                       properties: Any) -> None:
        self.subscribed.clear()
        if not self.stopped.is_set():
            logger.warning("MQTT connection lost (%s); reconnecting", reason)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        try:
            counts = handle_payload(message.topic, message.payload)
        except Exception:
            # No payload in the log: it holds a person's whereabouts.
            logger.exception("MQTT message on %s could not be ingested", message.topic)
            counts = {"stored": 0, "rejected": 0, "alerts": 0, "errors": 1}
        if self.on_result is not None:
            self.on_result(message.topic, counts)

    def start(self) -> None:
        """Connect (retrying until the broker answers) and run the network loop in a thread."""
        self.client.on_subscribe = lambda *args: self.subscribed.set()
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()

    def run(self) -> None:
        self.start()
        try:
            while not self.stopped.wait(self.silence_interval):
                self.check_silence()
        finally:
            self.close()

    def check_silence(self) -> None:
        try:
            close_old_connections()
            silence_check()
        except Exception:
            logger.exception("The silence check failed; trying again next round")

    def stop(self) -> None:
        self.stopped.set()

    def close(self) -> None:
        self.stopped.set()
        self.client.disconnect()
        self.client.loop_stop()
