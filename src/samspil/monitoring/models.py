"""Electronic monitoring: orders and their zones, devices, received positions and alerts.

The evaluation itself is ``core`` (no ORM): ``orders.to_core_order`` turns these rows into the
core's ``Order`` so that the live monitor and the replay evaluate with one and the same code.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samspil.access.models import OwnedRecord
from samspil.monitoring.constants import (
    AlertStatus,
    AlertTypeChoice,
    DeviceKind,
    IngestSource,
    OrderKindChoice,
    RejectReason,
    ZonePlace,
    ZoneType,
)


class Device(models.Model):
    """A GPS tag, a protected person's device, or a gateway forwarding many devices' fixes.

    Only the SHA-256 of the ingest token is stored; the token itself is shown once when issued.
    """

    device_id = models.CharField(_("device id"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DeviceKind.choices)
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owning organisation"),
    )
    token_hash = models.CharField(max_length=64, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_synthetic = models.BooleanField(_("fictitious (demo or test)"), default=False)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")

    def __str__(self) -> str:
        return self.device_id


class MonitoringOrder(OwnedRecord):
    """A restraining order or area ban under electronic monitoring; owned by the police."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="monitoring_orders",
        verbose_name=_("case"),
    )
    # The restrained person, who wears the tag; the suspect of a confirmed breach.
    person = models.ForeignKey(
        "persons.Person",
        on_delete=models.PROTECT,
        related_name="monitoring_orders",
        verbose_name=_("restrained person"),
    )
    order_id = models.CharField(_("order id"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrderKindChoice.choices)
    tag = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="tag_orders", verbose_name=_("tag")
    )
    valid_from = models.DateTimeField(_("valid from"))
    valid_to = models.DateTimeField(_("valid to"))
    buffer_m = models.FloatField(_("hysteresis buffer (m)"), default=50)
    protected_device = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="protected_orders",
        verbose_name=_("protected person's device"),
    )
    proximity_m = models.FloatField(_("proximity distance (m)"), null=True, blank=True)
    lost_contact_minutes = models.FloatField(_("lost contact after (minutes)"), default=10)
    battery_threshold = models.FloatField(_("battery threshold"), default=0.15)
    active = models.BooleanField(_("active"), default=True)
    is_synthetic = models.BooleanField(_("fictitious (demo or test)"), default=False)

    class Meta:
        indexes = [models.Index(fields=["active", "valid_to"], name="monitoring_order_active")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lt=models.F("valid_to")),
                name="monitoring_order_window",
            ),
        ]
        verbose_name = _("monitoring order")
        verbose_name_plural = _("monitoring orders")

    def __str__(self) -> str:
        return self.order_id


class MonitoringZone(models.Model):
    """A circle around the protected person's home, work or school, or an area ban polygon."""

    order = models.ForeignKey(MonitoringOrder, on_delete=models.CASCADE, related_name="zones")
    zone_id = models.CharField(_("zone id"), max_length=40)
    place = models.CharField(_("place"), max_length=10, choices=ZonePlace.choices)
    type = models.CharField(_("shape"), max_length=10, choices=ZoneType.choices)
    lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    lon = models.FloatField(_("centre longitude"), null=True, blank=True)
    radius_m = models.FloatField(_("radius (m)"), null=True, blank=True)
    # One closed GeoJSON outer ring, [[lon, lat], ...], for a polygon.
    coordinates = models.JSONField(_("polygon ring"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "zone_id"], name="monitoring_zone_unique"),
        ]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def __str__(self) -> str:
        return f"{self.order_id}:{self.zone_id}"


class PositionRecord(models.Model):
    """A fix as received. The id is the evaluation order: the live monitor feeds rows by id."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="positions")
    time = models.DateTimeField()
    lat = models.FloatField()
    lon = models.FloatField()
    accuracy_m = models.FloatField(null=True, blank=True)
    battery = models.FloatField(null=True, blank=True)
    tamper = models.BooleanField(null=True, blank=True)
    received_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=IngestSource.choices)

    class Meta:
        constraints = [
            # The same device and instant again is a resend: ignored, as the replay ignores it.
            models.UniqueConstraint(fields=["device", "time"], name="position_device_time"),
        ]
        indexes = [models.Index(fields=["received_at"], name="position_received")]

    def __str__(self) -> str:
        return f"{self.device_id}@{self.time.isoformat()}"


class RejectedMessage(models.Model):
    """How often ingest refused a message for a reason; a sample without personal data."""

    reason = models.CharField(_("reason"), max_length=20, choices=RejectReason.choices)
    source = models.CharField(_("source"), max_length=10, choices=IngestSource.choices)
    count = models.PositiveBigIntegerField(_("count"), default=0)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    # The shape of the last refused message (field names, value types, the failing field) —
    # never coordinates, device ids or times, which identify a person's whereabouts.
    sample = models.JSONField(_("sample"), default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reason", "source"], name="rejected_reason_source"),
        ]
        verbose_name = _("rejected message")
        verbose_name_plural = _("rejected messages")

    def __str__(self) -> str:
        return f"{self.reason}/{self.source}: {self.count}"


class Alert(models.Model):
    """An alert the evaluation core raised, and what the operators did with it."""

    order = models.ForeignKey(MonitoringOrder, on_delete=models.PROTECT, related_name="alerts")
    type = models.CharField(_("alert"), max_length=20, choices=AlertTypeChoice.choices)
    # "" for alerts that are not about a zone (kept non-null so the unique constraint holds).
    zone_id = models.CharField(_("zone"), max_length=40, blank=True)
    device_id = models.CharField(_("device"), max_length=64)
    time = models.DateTimeField(_("time"))
    raised_at = models.DateTimeField(_("raised"))
    status = models.CharField(
        _("status"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.NEW
    )
    note = models.TextField(_("note"), blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("escalated by"),
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("breach confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("breach confirmed"), null=True, blank=True)
    breach_incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("breach incident"),
    )
    # Moves on every change, so the board's stream can pick up other operators' actions.
    changed_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-time", "-id"]
        constraints = [
            # Two processes catching up on the same positions (or a silence check and the late
            # fix that ends the silence) raise the same alert; it is written once.
            models.UniqueConstraint(
                fields=["order", "type", "zone_id", "device_id", "time"],
                name="monitoring_alert_unique",
            ),
        ]
        indexes = [models.Index(fields=["order", "status"], name="monitoring_alert_order")]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"{self.order_id} {self.type} {self.time.isoformat()}"


class MonitorState(models.Model):
    """One row (id 1): locked by every evaluation, and the version of the orders in force.

    Locking it serialises the evaluating transactions of all processes (HTTP workers, the MQTT
    subscriber, the silence check), so PositionRecord ids are the order of evaluation.
    """

    orders_version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"orders v{self.orders_version}"
