"""The live monitor: one ``core.Evaluator`` per process, kept in step with the database.

Design (docs/monitoring.md, "How the live monitor keeps its state"):

* Every evaluating transaction (ingest, silence check) first locks the ``MonitorState`` row. That
  serialises evaluation across all processes — HTTP workers, the MQTT subscriber, the silence
  check — so ``PositionRecord`` ids are the order in which positions were evaluated.
* The evaluator's state is not stored; it is rebuilt from recent ``PositionRecord`` rows: on
  start, when the orders change (``orders_version``), and after a failed transaction. Before each
  evaluation the process catches up on rows other processes stored since its last one (their
  alerts are already written, so the alerts of the catch-up are dropped).
* Alerts are written in the same transaction as the positions that raised them. An alert raised
  twice (a process catching up, or the silence check and the late fix that ends the silence) is
  written once, by the unique constraint on ``Alert``.

No request or user handling here; ``services`` calls it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from samspil.monitoring import core
from samspil.monitoring.constants import WARMUP
from samspil.monitoring.models import MonitoringOrder, MonitorState, PositionRecord
from samspil.monitoring.orders import active_core_orders

_BATCH = 5000


def record_to_position(record: PositionRecord, device_id: str) -> core.Position:
    return core.Position(
        device_id=device_id,
        time=record.time,
        lat=record.lat,
        lon=record.lon,
        accuracy_m=record.accuracy_m,
        battery=record.battery,
        tamper=record.tamper,
    )


class LiveMonitor:
    """The process's evaluator and how far it has read the positions table."""

    def __init__(self) -> None:
        # Re-entrant: a service holding it may call another service that takes it too.
        self.lock = threading.RLock()
        self._evaluator: core.Evaluator | None = None
        self._orders_version = -1
        self._last_id = 0
        self.order_pks: dict[str, int] = {}
        self.rebuilds = 0

    @contextmanager
    def evaluating(self) -> Iterator[LiveMonitor]:
        """Hold the process lock; forget the state if the block fails (its writes roll back)."""
        with self.lock:
            try:
                yield self
            except BaseException:
                self.invalidate()
                raise

    def invalidate(self) -> None:
        self._evaluator = None

    @staticmethod
    def lock_state() -> MonitorState:
        """Lock the one MonitorState row (created on first use). Call inside a transaction."""
        MonitorState.objects.get_or_create(pk=1)
        return MonitorState.objects.select_for_update().get(pk=1)

    def sync(self, state: MonitorState) -> core.Evaluator:
        """Bring the evaluator up to what the database holds. Call with the state row locked."""
        if self._evaluator is None or (
            # One of our transactions was rolled back by a caller after the evaluator had
            # already seen its positions: start over from the table.
            self._last_id and not PositionRecord.objects.filter(pk=self._last_id).exists()
        ):
            self._rebuild(state.orders_version)
        else:
            self._catch_up(PositionRecord.objects.filter(pk__gt=self._last_id))
            if state.orders_version != self._orders_version:
                self._switch_orders(state.orders_version)
        assert self._evaluator is not None
        return self._evaluator

    def _switch_orders(self, orders_version: int) -> None:
        """The orders changed: unchanged ones keep their state, new ones start afresh."""
        assert self._evaluator is not None
        evaluator = core.Evaluator(active_core_orders())
        evaluator.carry_over(self._evaluator)
        self._evaluator = evaluator
        self._orders_version = orders_version
        self.order_pks = self._order_pks()

    @staticmethod
    def _order_pks() -> dict[str, int]:
        return dict(MonitoringOrder.objects.filter(active=True).values_list("order_id", "pk"))

    def feed(self, records: Iterable[PositionRecord], device_ids: dict[int, str]) -> list[core.Alert]:
        """Evaluate freshly stored rows, in id order, and return the alerts they raise."""
        assert self._evaluator is not None
        ordered = sorted(records, key=lambda row: row.pk)
        alerts = self._evaluator.feed_many(
            record_to_position(record, device_ids[record.device_id]) for record in ordered
        )
        if ordered:
            self._last_id = max(self._last_id, ordered[-1].pk)
        return alerts

    def check_silence(self, now: datetime) -> list[core.Alert]:
        assert self._evaluator is not None
        return self._evaluator.check_silence(now)

    def _rebuild(self, orders_version: int) -> None:
        self._evaluator = core.Evaluator(active_core_orders())
        self._orders_version = orders_version
        self.order_pks = self._order_pks()
        self.rebuilds += 1
        top = PositionRecord.objects.aggregate(top=Max("pk"))["top"] or 0
        since = timezone.now() - WARMUP
        self._last_id = 0
        self._catch_up(PositionRecord.objects.filter(received_at__gte=since, pk__lte=top))
        self._last_id = top

    def _catch_up(self, rows: object) -> None:
        assert self._evaluator is not None
        queryset = rows.select_related("device").order_by("pk")  # type: ignore[attr-defined]
        last = self._last_id
        while True:
            batch = list(queryset.filter(pk__gt=last)[:_BATCH])
            if not batch:
                break
            # The alerts were written by whoever stored these rows.
            self._evaluator.feed_many(
                record_to_position(record, record.device.device_id) for record in batch
            )
            last = batch[-1].pk
        self._last_id = max(self._last_id, last)

    @property
    def last_id(self) -> int:
        return self._last_id


# One per process: the HTTP workers' threads share it, the subscriber has its own process's.
MONITOR = LiveMonitor()
