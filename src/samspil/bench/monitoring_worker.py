"""Child process of the monitoring benchmark: ingest-to-board latency against a live server.

A throwaway SQLite database is migrated and given a district, an officer, a granted restraining
order under monitoring and its tag; a live server serves it, and a signed-in officer's board
stream (monitoring:feed) stays open in a thread, as an operator's browser would. Each round a
device sends one fix that crosses the zone (in, out, in, …), so each raises exactly one alert,
and the clock runs from the ingest call until that alert arrives on the stream: first through
the HTTP endpoint, then published to the Mosquitto broker and ingested by the MQTT subscriber.
Prints one JSON line with p50/p95/max per path.
"""

from __future__ import annotations

import json
import math
import os
import queue
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

MQTT_HOST, MQTT_PORT = "127.0.0.1", 1883


def _setup(folder: Path, database_url: str | None) -> None:
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _world() -> tuple[str, str, int]:
    from django.utils import timezone

    from samspil.accounts.constants import Role
    from samspil.accounts.services import user_create
    from samspil.cases.services import case_open, case_transition
    from samspil.monitoring.services import device_register, monitoring_order_create
    from samspil.organisations.models import District, Municipality, Organisation
    from samspil.organisations.services import reference_data_load
    from samspil.persons.services import person_register

    reference_data_load()
    police = Organisation.objects.create(
        slug="bench-politi", name="Bench Politi", kind="police",
        district=District.objects.get(slug="midt-vestsjaelland"), is_synthetic=True)
    officer = user_create(actor=None, username="bench-officer", password=secrets.token_urlsafe(24),
                          organisation=police, roles=[Role.PREVENTION_OFFICER],
                          is_synthetic=True)
    roskilde = Municipality.objects.get(code="265")
    person = person_register(actor=officer, given_name="Bench", family_name="Testesen",
                             municipality=roskilde, birth_date=date(1990, 1, 1),
                             is_synthetic=True)
    case = case_open(actor=officer, case_type="restraining_order_request", municipality=roskilde,
                     person=person, fields={"variant": "ordinary"}, is_synthetic=True)
    case = case_transition(actor=officer, case=case, action="visitate")
    case = case_transition(actor=officer, case=case, action="decide", outcome="granted",
                           fields={"order_kind": "tilhold"})
    tag, token = device_register(actor=officer, device_id="TAG-BENCH", kind="tag",
                                 is_synthetic=True)
    now = timezone.now()
    monitoring_order_create(
        actor=officer, case=case, order_id="T-BENCH", kind="restraining_order", tag=tag,
        valid_from=now - timedelta(days=1), valid_to=now + timedelta(days=1),
        zones=[{"zone_id": "home", "place": "home", "type": "circle", "lat": 55.64,
                "lon": 12.08, "radius_m": 500}], is_synthetic=True)
    return token, _session_cookie(officer), officer.pk


def _session_cookie(officer: Any) -> str:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=officer, name="bench")
    client = Client()
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"sessionid={session.session_key}"


class _Board:
    """A signed-in officer's board stream, read in a thread: each alert's id and arrival time.

    The stream ends every ``views.STREAM_SECONDS``; like the browser, the reader reconnects after
    the last alert id it got.
    """

    def __init__(self, base_url: str, cookie: str, after: int) -> None:
        self.url, self.cookie, self.cursor = f"{base_url}/overvaagning/stroem/", cookie, after
        self.arrivals: queue.Queue[tuple[int, float]] = queue.Queue()
        self.opened = threading.Event()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while not self.stopped.is_set():
            request = urllib.request.Request(  # noqa: S310 (own server)
                f"{self.url}?after={self.cursor}", headers={"Cookie": self.cookie})
            # The URL is our own live server's http://127.0.0.1 address, never user input.
            with urllib.request.urlopen(request, timeout=120) as stream:  # noqa: S310
                self.opened.set()
                event_id = None
                for line in stream:
                    if line.startswith(b"id: "):
                        event_id = int(line[4:])
                    elif line.startswith(b"event: alert") and event_id is not None:
                        self.cursor = event_id
                        self.arrivals.put((event_id, time.perf_counter()))
                    if self.stopped.is_set():
                        return

    def next_alert(self, timeout: float = 10.0) -> float:
        try:
            return self.arrivals.get(timeout=timeout)[1]
        except queue.Empty:
            raise RuntimeError("the alert never reached the board") from None

    def idle(self) -> bool:
        return self.arrivals.empty()


def _fix(round_: int, start: Any) -> dict[str, Any]:
    # In, out, in, …: every fix after the first crosses the zone, so each raises one alert.
    inside = round_ % 2 == 0
    return {"device_id": "TAG-BENCH", "time": (start + timedelta(seconds=30 * round_)).isoformat(),
            "lat": 55.64 if inside else 55.70, "lon": 12.08 if inside else 12.30}


def _measure_http(base_url: str, token: str, board: _Board, rounds: int, start: Any,
                  first_round: int) -> dict[str, list[float]]:
    latency: list[float] = []
    request_seconds: list[float] = []
    for round_ in range(first_round, first_round + rounds):
        assert board.idle(), "an alert arrived that no ingest raised"
        post = urllib.request.Request(  # noqa: S310 (own server)
            f"{base_url}/api/v1/monitoring/positions",
            data=json.dumps([_fix(round_, start)]).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST")
        began = time.perf_counter()
        with urllib.request.urlopen(post, timeout=30) as response:  # noqa: S310 (own server)
            answered = json.loads(response.read())
        request_seconds.append(time.perf_counter() - began)
        if answered["alerts"] != 1:
            raise RuntimeError(f"round {round_} raised {answered['alerts']} alerts, not 1")
        latency.append(board.next_alert() - began)
    return {"latency": latency, "request": request_seconds}


@contextmanager
def _subscriber_process(topic: str) -> Iterator[None]:
    """``samspil monitoring subscribe`` in a process of its own, as deployed: its alerts reach
    this process's board stream only through PostgreSQL NOTIFY (or the poll)."""
    command = [sys.executable, "-m", "samspil.cli", "monitoring", "subscribe", "--host",
               MQTT_HOST, "--port", str(MQTT_PORT), "--topic", topic,
               "--silence-interval", "3600"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if "subscribed to" in line:
                break
        else:
            raise RuntimeError("the subscriber process ended before it subscribed")
        # Keep reading its log, so that a full pipe never blocks it.
        threading.Thread(target=process.stderr.read, daemon=True).start()
        # It logs on connecting, just before the broker confirms the subscription.
        time.sleep(1.0)
        yield
    finally:
        process.terminate()
        process.wait(10)


def _measure_mqtt(
    board: _Board, rounds: int, start: Any, first_round: int, *, separate: bool = False
) -> dict[str, Any]:
    """The same through the Mosquitto broker and the subscriber (skipped without a broker):
    in this process, or (``separate``) in a process of its own."""
    import socket
    import uuid

    from samspil.monitoring.mqtt import Subscriber

    try:
        socket.create_connection((MQTT_HOST, MQTT_PORT), timeout=1).close()
    except OSError as error:
        return {"skipped": f"no MQTT broker on {MQTT_HOST}:{MQTT_PORT}: {error}"}
    prefix = f"samspil-bench/{uuid.uuid4().hex}/positions"
    if separate:
        with _subscriber_process(f"{prefix}/#"):
            return _publish_rounds(board, prefix, rounds, start, first_round)
    subscriber = Subscriber(
        host=MQTT_HOST, port=MQTT_PORT, topic=f"{prefix}/#", silence_interval=3600
    )
    threading.Thread(target=subscriber.run, daemon=True).start()
    if not subscriber.subscribed.wait(10):
        return {"skipped": "the subscriber did not subscribe"}
    try:
        return _publish_rounds(board, prefix, rounds, start, first_round)
    finally:
        subscriber.stop()


def _publish_rounds(
    board: _Board, prefix: str, rounds: int, start: Any, first_round: int
) -> dict[str, Any]:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
    client.connect(MQTT_HOST, MQTT_PORT)
    client.loop_start()
    latency: list[float] = []
    try:
        for round_ in range(first_round, first_round + rounds):
            assert board.idle(), "an alert arrived that no ingest raised"
            began = time.perf_counter()
            client.publish(f"{prefix}/TAG-BENCH", json.dumps([_fix(round_, start)]), qos=1)
            latency.append(board.next_alert() - began)
    finally:
        client.disconnect()
        client.loop_stop()
    return {"latency": latency}


@contextmanager
def _poll_only() -> Iterator[None]:
    from samspil.monitoring import wakeup

    def sleep(seen: int, timeout: float) -> bool:
        time.sleep(timeout)
        return False

    original = wakeup.wait
    wakeup.wait = sleep  # type: ignore[assignment]
    try:
        yield
    finally:
        wakeup.wait = original  # type: ignore[assignment]


def _summary(timings: list[float]) -> dict[str, Any]:
    ordered = sorted(timings)
    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)], 3)
    return {"rounds": len(ordered), "p50_seconds": at(0.5), "p95_seconds": at(0.95),
            "max_seconds": round(ordered[-1], 3)}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    # A PostgreSQL URL (a throwaway database the parent made): the MQTT subscriber then runs in
    # a process of its own, as deployed, and its alerts reach the board through NOTIFY.
    database_url = sys.argv[2] if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory(prefix="samspil-bench-monitoring-") as tmp:
        _setup(Path(tmp), database_url)
        from django.test.testcases import LiveServerThread, _StaticFilesHandler
        from django.utils import timezone

        from samspil.monitoring.selectors import last_alert_id

        token, cookie, _officer = _world()
        server = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        base_url = f"http://127.0.0.1:{server.port}"
        start = timezone.now() - timedelta(hours=3)
        board = _Board(base_url, cookie, last_alert_id())
        try:
            if not board.opened.wait(10):
                raise RuntimeError("the board's stream did not open")
            http = _measure_http(base_url, token, board, rounds, start, 0)
            mqtt_result = _measure_mqtt(
                board, rounds, start, rounds, separate=bool(database_url)
            )
            # The baseline in the same run: streams that only poll (no wake-up on commit).
            with _poll_only():
                polled = _measure_http(base_url, token, board, rounds // 2, start, 2 * rounds)
        finally:
            board.stopped.set()
            server.terminate()
    result: dict[str, Any] = {
        "http": {**_summary(http["latency"]),
                 "ingest_request_p50_seconds": _summary(http["request"])["p50_seconds"],
                 "path": "HTTP POST /api/v1/monitoring/positions → server-sent event on "
                         "monitoring:feed"},
        "mqtt": ({**_summary(mqtt_result["latency"]),
                  "path": "MQTT publish (Mosquitto) → subscriber "
                          + ("in its own process → NOTIFY " if database_url else "")
                          + "→ server-sent event"}
                 if "latency" in mqtt_result else mqtt_result),
        "http_poll_only": {**_summary(polled["latency"]),
                           "path": "as http, but the stream sleeps POLL_SECONDS between looks "
                                   "(no wake-up on commit): the design before"},
        "goal_seconds": 1.0,
        "database": ("PostgreSQL (throwaway database)" if database_url
                     else "SQLite (throwaway file); ingest and board in one process"),
        "load_average_1min": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
