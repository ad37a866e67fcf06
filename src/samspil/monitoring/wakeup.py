"""Wake the board's event streams as soon as alerts are committed, instead of at their next poll.

The time from ingest to the alert on the board is the ingest itself plus however long the stream
sleeps before it looks again. So every write the board shows (new alerts, operators' actions)
announces itself once its transaction commits, and a stream waits on ``wait`` rather than
sleeping:

* In the process that wrote (HTTP workers' threads, the live server): ``announce`` bumps a
  counter and wakes every waiting stream through a ``threading.Condition``.
* Across processes on PostgreSQL (the MQTT subscriber writes, a web worker streams): the writing
  transaction sends ``NOTIFY samspil_monitoring`` (PostgreSQL delivers it at commit, so a stream
  never wakes before it can see the rows), and one daemon thread per streaming process
  ``LISTEN``s on its own connection and bumps the same counter.
* Across processes on SQLite there is no notification: the streams' poll (``views.POLL_SECONDS``)
  remains the bound, as it does for any notification lost while the listener reconnects.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import connection, connections, transaction

logger = logging.getLogger(__name__)

CHANNEL = "samspil_monitoring"
# How long the listener waits before reconnecting after losing its connection.
_RECONNECT_SECONDS = 2.0

_condition = threading.Condition()
_generation = 0
_listener: threading.Thread | None = None
_listener_lock = threading.Lock()
_stopping = threading.Event()


def generation() -> int:
    """The current count of announcements: read it *before* looking, pass it to ``wait``."""
    with _condition:
        return _generation


def _bump() -> None:
    global _generation
    with _condition:
        _generation += 1
        _condition.notify_all()


def announce() -> None:
    """Call inside the transaction that wrote what the board shows; wakes streams at commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")
    transaction.on_commit(_bump)


def wait(seen: int, timeout: float) -> bool:
    """Block until there was an announcement after ``seen`` or ``timeout`` passes.

    True when woken by an announcement. Starts the PostgreSQL listener on first use, so that
    only processes that stream hold a listening connection.
    """
    _ensure_listener()
    with _condition:
        return _condition.wait_for(lambda: _generation != seen, timeout=timeout)


def _ensure_listener() -> None:
    global _listener
    if connections["default"].vendor != "postgresql":
        return
    with _listener_lock:
        if _listener is not None and _listener.is_alive():
            return
        _stopping.clear()
        params = connections["default"].get_connection_params()
        ready = threading.Event()
        _listener = threading.Thread(
            target=_listen, args=(params, ready), name="monitoring-listen", daemon=True
        )
        _listener.start()
    # A stream that starts before the listener listens could miss a notification; its poll
    # would still find the alert, but waiting a moment here keeps the first alert fast too.
    ready.wait(2.0)


def stop_listener(timeout: float = 5.0) -> None:
    """Stop the listener and close its connection (a test database cannot be dropped while a
    connection to it is open)."""
    _stopping.set()
    if _listener is not None:
        _listener.join(timeout)


def _listen(params: dict[str, Any], ready: threading.Event) -> None:
    """Turn PostgreSQL notifications into wake-ups until ``stop_listener``."""
    while not _stopping.is_set():
        try:
            raw = connections["default"].get_new_connection(params)
            raw.autocommit = True
            with raw:
                raw.execute(f"LISTEN {CHANNEL}")
                # Anything committed while we were not listening: let the streams look.
                _bump()
                ready.set()
                while not _stopping.is_set():
                    # Returns every second, so that a stop request is seen.
                    for _notification in raw.notifies(timeout=1.0):
                        _bump()
            return
        except Exception:
            logger.warning("Monitoring LISTEN connection lost; reconnecting", exc_info=True)
        ready.set()
        _stopping.wait(_RECONNECT_SECONDS)
