"""Child process of the monitoring benchmark: ingest-to-board latency against a live server.

A throwaway SQLite database is migrated and given a district, an officer, a granted restraining
order under monitoring and its tag; a live server serves it. Each round a device POSTs two fixes
(outside, then inside the zone) and the clock runs until the alert arrives on the board's event
stream (monitoring:feed), read by a signed-in officer. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any


def _setup(folder: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
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


def _listen(url: str, cookie: str, opened: threading.Event, arrived: threading.Event) -> None:
    """Read the board's event stream until the first alert arrives."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 (own server)
    # The URL is our own live server's http://127.0.0.1 address, never user input.
    with urllib.request.urlopen(request, timeout=30) as stream:  # noqa: S310
        opened.set()
        for line in stream:
            if line.startswith(b"event: alert"):
                arrived.set()
                return


def _measure(base_url: str, token: str, cookie: str, repeats: int) -> list[float]:
    from django.utils import timezone

    timings: list[float] = []
    start = timezone.now() - timedelta(hours=1)
    for round_ in range(repeats):
        arrived = threading.Event()
        opened = threading.Event()

        # The cursor: only alerts after the current last one count.
        from samspil.monitoring.selectors import last_alert_id

        cursor = last_alert_id()

        listener = threading.Thread(target=_listen, daemon=True,
                                    args=(f"{base_url}/overvaagning/stroem/?after={cursor}",
                                          cookie, opened, arrived))
        listener.start()
        opened.wait(10)
        moment = start + timedelta(minutes=2 * round_)
        batch = [
            {"device_id": "TAG-BENCH", "time": moment.isoformat(), "lat": 55.70, "lon": 12.30},
            {"device_id": "TAG-BENCH", "time": (moment + timedelta(seconds=30)).isoformat(),
             "lat": 55.64, "lon": 12.08},
        ]
        post = urllib.request.Request(  # noqa: S310 (own server)
            f"{base_url}/api/v1/monitoring/positions", data=json.dumps(batch).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST")
        began = time.perf_counter()
        with urllib.request.urlopen(post, timeout=30) as response:  # noqa: S310 (own server)
            response.read()
        if not arrived.wait(10):
            raise RuntimeError("the alert never reached the board")
        timings.append(time.perf_counter() - began)
        listener.join(1)
    return timings


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory(prefix="samspil-bench-monitoring-") as tmp:
        _setup(Path(tmp))
        from django.test.testcases import LiveServerThread, _StaticFilesHandler

        token, cookie, _officer = _world()
        server = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            timings = _measure(f"http://127.0.0.1:{server.port}", token, cookie, repeats)
        finally:
            server.terminate()
    timings.sort()
    print(json.dumps({
        "rounds": len(timings),
        "median_seconds": round(timings[len(timings) // 2], 3),
        "max_seconds": round(timings[-1], 3),
        "goal_seconds": 1.0,
        "path": "HTTP POST /api/v1/monitoring/positions → server-sent event on monitoring:feed",
    }))


if __name__ == "__main__":
    main()
