"""Scoped reads of electronic monitoring: the operations board, orders, the stalking flag.

An alert is as visible as its order, and an order (an OwnedRecord of the police) is visible
through ``access.policy`` for the monitoring purpose: prevention officers of the owning police.
Every alert shown is logged once, when it is first delivered to the user's board.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.constants import Purpose
from samspil.access.policy import log_reads, read_one, readable, require_purpose
from samspil.monitoring.constants import (
    STALKING_BREACH_COUNT,
    STALKING_WINDOW,
    AlertStatus,
    AlertTypeChoice,
)
from samspil.monitoring.models import Alert, MonitoringOrder

BOARD_LIMIT = 200
PURPOSE = Purpose.MONITORING


@dataclass(frozen=True)
class BoardFilters:
    status: str = ""
    type: str = ""
    order_id: str = ""

    @classmethod
    def from_query(cls, query: Any) -> BoardFilters:
        status = query.get("status", "")
        type_ = query.get("type", "")
        return cls(
            status=status if status in AlertStatus.values else "",
            type=type_ if type_ in AlertTypeChoice.values else "",
            order_id=(query.get("order_id") or "").strip()[:40],
        )

    def apply(self, alerts: QuerySet[Alert]) -> QuerySet[Alert]:
        if self.status:
            alerts = alerts.filter(status=self.status)
        if self.type:
            alerts = alerts.filter(type=self.type)
        if self.order_id:
            alerts = alerts.filter(order__order_id__icontains=self.order_id)
        return alerts


def require_board(user: Any) -> None:
    """The board is for those who may read for the monitoring purpose (prevention officers)."""
    require_purpose(user, PURPOSE)


def orders_visible(user: Any) -> QuerySet[MonitoringOrder]:
    return readable(user, MonitoringOrder.objects.all(), purpose=PURPOSE)


def _alerts(user: Any) -> QuerySet[Alert]:
    return Alert.objects.filter(order__in=orders_visible(user)).select_related(
        "order", "order__case", "breach_incident"
    )


def board_alerts(*, user: Any, filters: BoardFilters, limit: int = BOARD_LIMIT) -> list[Alert]:
    """The newest alerts on the user's board, logged as read."""
    alerts = list(filters.apply(_alerts(user)).order_by("-pk")[:limit])
    log_reads(user, alerts, purpose=PURPOSE)
    return alerts


def alerts_after(*, user: Any, after_id: int, filters: BoardFilters,
                 limit: int = BOARD_LIMIT) -> list[Alert]:
    """Alerts raised since ``after_id`` (ids follow the order of evaluation), logged as read."""
    alerts = list(filters.apply(_alerts(user)).filter(pk__gt=after_id).order_by("pk")[:limit])
    log_reads(user, alerts, purpose=PURPOSE)
    return alerts


def alerts_changed(*, user: Any, since: datetime, up_to_id: int,
                   filters: BoardFilters) -> list[Alert]:
    """Alerts already on the board that operators acted on since ``since`` (status, notes)."""
    return list(
        filters.apply(_alerts(user))
        .filter(pk__lte=up_to_id, changed_at__gte=since)
        .exclude(status=AlertStatus.NEW)
        .order_by("pk")[:BOARD_LIMIT]
    )


def last_alert_id() -> int:
    last = Alert.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0)


def alert_get(*, user: Any, pk: int) -> Alert:
    """One alert the user may act on; refused (and logged) like any other read."""
    require_board(user)
    alert = Alert.objects.filter(pk=pk).select_related("order").first()
    if alert is None:
        raise Alert.DoesNotExist
    read_one(user, MonitoringOrder.objects.all(), pk=alert.order_id, purpose=PURPOSE)
    return alert


def order_get(*, user: Any, pk: int) -> MonitoringOrder:
    return read_one(
        user,
        MonitoringOrder.objects.select_related("case", "tag", "protected_device", "person"),
        pk=pk,
        purpose=PURPOSE,
    )


def order_alerts(*, order: MonitoringOrder, limit: int = 50) -> list[Alert]:
    return list(order.alerts.select_related("breach_incident").order_by("-time", "-pk")[:limit])


def confirmed_breaches(*, order: MonitoringOrder, now: datetime | None = None) -> int:
    since = (now or timezone.now()) - STALKING_WINDOW
    return order.alerts.filter(breach_incident__isnull=False, time__gte=since).count()


def stalking_suspected(*, order: MonitoringOrder, now: datetime | None = None) -> bool:
    """Repeated confirmed breaches of one order: possible stalking (straffeloven § 242).

    The rule is the cases app's (``cases.types.orders.stalking_rule_met``), the one place it is
    decided; here it is applied to the order's confirmed breaches. A prompt, not a finding.
    """
    from samspil.cases.types.orders import stalking_rule_met

    times = order.alerts.filter(breach_incident__isnull=False).values_list("time", flat=True)
    return stalking_rule_met(times, now=now)


def stalking_flags(*, user: Any, now: datetime | None = None) -> list[MonitoringOrder]:
    """The user's orders with repeated confirmed breaches, for the board's warning."""
    since = (now or timezone.now()) - STALKING_WINDOW
    return list(
        orders_visible(user)
        .annotate(breaches=Count("alerts", filter=Q(alerts__breach_incident__isnull=False,
                                                    alerts__time__gte=since)))
        .filter(breaches__gte=STALKING_BREACH_COUNT)
        .select_related("case")
        .order_by("order_id")
    )


def stalking_text() -> str:
    return _("Repeated breaches: consider stalking (Penal Code § 242).")
