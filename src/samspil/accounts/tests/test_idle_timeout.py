"""Idle sessions end; the last activity is written at most once a minute, not on every page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samspil.accounts.middleware import ACTIVITY_RESOLUTION_SECONDS

pytestmark = pytest.mark.django_db

START = datetime(2025, 6, 16, 8, 0, tzinfo=UTC)


def _session_writes(client, path: str = "/sager/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        1 for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith("UPDATE")
    )


def test_pages_within_a_minute_do_not_rewrite_the_session(client_for, officer):
    client = client_for(officer)
    with time_machine.travel(START, tick=False) as clock:
        client.get("/sager/")
        stamp = client.session["last_activity"]
        clock.shift(timedelta(seconds=ACTIVITY_RESOLUTION_SECONDS - 1))
        assert _session_writes(client) == 0
        assert client.session["last_activity"] == stamp
        clock.shift(timedelta(seconds=2))
        assert _session_writes(client) == 1
        assert client.session["last_activity"] > stamp


def test_a_session_idle_past_the_limit_is_signed_out(client_for, officer, settings):
    client = client_for(officer)
    with time_machine.travel(START, tick=False) as clock:
        client.get("/sager/")
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_SECONDS - 30))
        assert client.get("/sager/").status_code == 200
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_SECONDS + 1))
        response = client.get("/sager/")
    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL_PATH)
