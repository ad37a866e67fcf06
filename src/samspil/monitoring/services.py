"""Every write of electronic monitoring: devices, orders, ingest, silence checks, operator actions.

Ingest (``positions_ingest``) is the one way positions enter: the HTTP endpoint and the MQTT
subscriber both call it. It stores the positions, evaluates them with the process's live
evaluator (``live.MONITOR``, the same ``core.Evaluator`` the replay uses) and writes the alerts
they raise — all in one transaction, so an alert is never lost and never written for a position
that was not stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.constants import Purpose
from samspil.access.policy import purposes_of, readable
from samspil.audit.constants import Action
from samspil.audit.services import audit_record, changes_between, snapshot
from samspil.monitoring import core, wakeup
from samspil.monitoring.constants import (
    AREA_BAN_MAX_RADIUS_M,
    AREA_BAN_MIN_RADIUS_M,
    BREACH_TYPES,
    CLOCK_SKEW,
    DELIVERY_GRACE,
    AlertStatus,
    DeviceKind,
    IngestSource,
    OrderKindChoice,
    RejectReason,
    ZonePlace,
)
from samspil.monitoring.live import MONITOR
from samspil.monitoring.messages import Refusal, parse_position
from samspil.monitoring.models import (
    Alert,
    Device,
    MonitoringOrder,
    MonitoringZone,
    MonitorState,
    PositionRecord,
    RejectedMessage,
)
from samspil.monitoring.orders import to_core_order

TOKEN_BYTES = 32
# Compared against when the device named by a token does not exist, so that the time taken does
# not tell an attacker which device ids are registered.
_DUMMY_HASH = hashlib.sha256(b"samspil-no-such-device").hexdigest()


# --- Devices and their ingest tokens -----------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _require_monitoring_officer(actor: Any) -> None:
    if actor is None or getattr(actor, "organisation_id", None) is None:
        raise PermissionDenied(_("Only a member of an organisation can manage monitoring."))
    if Purpose.MONITORING not in purposes_of(actor) or actor.organisation.kind != "police":
        raise PermissionDenied(_("Only the police's prevention officers manage monitoring."))


@transaction.atomic
def device_register(
    *, actor: Any, device_id: str, kind: str, is_synthetic: bool = False
) -> tuple[Device, str]:
    """Register a device and issue its ingest token; the token is returned once, never stored."""
    _require_monitoring_officer(actor)
    device_id = (device_id or "").strip()
    if not device_id or len(device_id) > 64 or any(ch.isspace() for ch in device_id):
        raise ValidationError({"device_id": [_("A device id has 1–64 characters, no spaces.")]})
    if kind not in DeviceKind.values:
        raise ValidationError({"kind": [_("Unknown kind of device.")]})
    if Device.objects.filter(device_id=device_id).exists():
        raise ValidationError({"device_id": [_("The device is already registered.")]})
    device = Device.objects.create(
        device_id=device_id,
        kind=kind,
        owner_organisation_id=actor.organisation_id,
        is_synthetic=is_synthetic,
    )
    token = _issue_token(device)
    audit_record(actor=actor, action=Action.CREATE, obj=device, purpose=Purpose.MONITORING,
                 changes=changes_between(None, snapshot(device, ["device_id", "kind", "active"])))
    return device, token


@transaction.atomic
def device_token_rotate(*, actor: Any, device: Device) -> str:
    """Issue a new token for the device; the old one stops working at once."""
    _require_monitoring_officer(actor)
    locked = Device.objects.select_for_update().get(pk=device.pk)
    if locked.owner_organisation_id != actor.organisation_id:
        raise PermissionDenied(_("The device belongs to another organisation."))
    token = _issue_token(locked)
    audit_record(actor=actor, action=Action.UPDATE, obj=locked, purpose=Purpose.MONITORING,
                 reason="token rotated")
    return token


def _issue_token(device: Device) -> str:
    # "<device id>.<secret>": the id says which hash to compare with (token_urlsafe has no dots).
    token = f"{device.device_id}.{secrets.token_urlsafe(TOKEN_BYTES)}"
    device.token_hash = _hash_token(token)
    device.save(update_fields=["token_hash"])
    return token


def device_authenticate(token: str) -> Device | None:
    """The active device (or gateway) a bearer token belongs to, compared in constant time."""
    device_id, dot, secret = (token or "").rpartition(".")
    device = (
        Device.objects.filter(device_id=device_id, active=True).select_related(None).first()
        if dot and device_id and secret
        else None
    )
    expected = device.token_hash if device is not None and device.token_hash else _DUMMY_HASH
    matches = hmac.compare_digest(expected, _hash_token(token or ""))
    return device if matches and device is not None and device.token_hash else None


# --- Orders ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneSpec:
    zone_id: str
    place: str
    type: str
    lat: float | None = None
    lon: float | None = None
    radius_m: float | None = None
    coordinates: Sequence[Sequence[float]] | None = None


def _eligible_kinds(case: Any) -> set[str]:
    """What a case may be monitored as: a granted restraining order, or an area ban in force."""
    if case.case_type == "restraining_order_request":
        if case.state == "decided" and case.outcome == "granted":
            return {OrderKindChoice.RESTRAINING_ORDER.value, OrderKindChoice.AREA_BAN.value}
        return set()
    if case.case_type == "area_ban" and not case.is_closed:
        return {OrderKindChoice.AREA_BAN.value}
    return set()


def _bump_orders_version() -> None:
    MonitorState.objects.get_or_create(pk=1)
    MonitorState.objects.filter(pk=1).update(orders_version=F("orders_version") + 1)


def _device(value: Device | str | None, kind: str, field_name: str) -> Device | None:
    if value is None or value == "":
        return None
    device = value if isinstance(value, Device) else Device.objects.filter(device_id=value).first()
    if device is None:
        raise ValidationError({field_name: [_("No such device is registered.")]})
    if device.kind != kind:
        raise ValidationError({field_name: [_("The device is of the wrong kind.")]})
    return device


@transaction.atomic
def monitoring_order_create(
    *,
    actor: Any,
    case: Any,
    order_id: str,
    kind: str,
    tag: Device | str,
    valid_from: datetime,
    valid_to: datetime,
    zones: Iterable[ZoneSpec | Mapping[str, Any]],
    buffer_m: float = 50,
    protected_device: Device | str | None = None,
    proximity_m: float | None = None,
    lost_contact_minutes: float = 10,
    battery_threshold: float = 0.15,
    person: Any | None = None,
    active: bool = True,
    is_synthetic: bool = False,
) -> MonitoringOrder:
    """Put a granted restraining order or an area ban under electronic monitoring."""
    _require_monitoring_officer(actor)
    from samspil.cases.models import Case  # a higher app may import a lower one

    locked_case = (
        Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)
    )
    if not readable(actor, Case.objects.filter(pk=locked_case.pk),
                    purpose=Purpose.CASEWORK).exists():
        raise PermissionDenied(_("You do not have access to this case."))
    if locked_case.owner_organisation_id != actor.organisation_id:
        raise PermissionDenied(_("Only the organisation that owns the case can monitor it."))
    if kind not in _eligible_kinds(locked_case):
        raise ValidationError({"case": [_(
            "Only a granted restraining order or an area ban in force can be monitored as %(kind)s."
        ) % {"kind": kind}]})
    restrained = person or locked_case.person
    if restrained is None:
        raise ValidationError({"person": [_("Choose the restrained person.")]})
    order_id = (order_id or "").strip()
    if not order_id or len(order_id) > 40:
        raise ValidationError({"order_id": [_("Give the order id, e.g. T-2026-0001.")]})
    if MonitoringOrder.objects.filter(order_id=order_id).exists():
        raise ValidationError({"order_id": [_("The order id is already in use.")]})
    tag_device = _device(tag, DeviceKind.TAG, "tag")
    if tag_device is None:
        raise ValidationError({"tag": [_("Choose the tag.")]})
    protected = _device(protected_device, DeviceKind.PROTECTED, "protected_device")
    specs = [spec if isinstance(spec, ZoneSpec) else ZoneSpec(**spec) for spec in zones]
    rows = [_zone_row(spec, kind) for spec in specs]
    order = MonitoringOrder(
        case=locked_case,
        person=restrained,
        order_id=order_id,
        kind=kind,
        tag=tag_device,
        valid_from=valid_from,
        valid_to=valid_to,
        buffer_m=buffer_m,
        protected_device=protected,
        proximity_m=proximity_m if protected is not None else None,
        lost_contact_minutes=lost_contact_minutes,
        battery_threshold=battery_threshold,
        active=active,
        is_synthetic=is_synthetic,
        owner_organisation_id=locked_case.owner_organisation_id,
        confidentiality=locked_case.confidentiality,
        created_by=actor,
    )
    try:
        # The core's own checks are the last word on what it can evaluate.
        to_core_order(order, rows)
    except (ValueError, TypeError) as error:
        raise ValidationError(str(error)) from None
    order.save()
    for row in rows:
        row.order = order
    MonitoringZone.objects.bulk_create(rows)
    _bump_orders_version()
    audit_record(actor=actor, action=Action.CREATE, obj=order, purpose=Purpose.MONITORING,
                 changes=changes_between(None, {**_order_audit(order),
                                                "zones": [_zone_audit(row) for row in rows]}))
    return order


def _order_audit(order: MonitoringOrder) -> dict[str, Any]:
    return snapshot(order, ["case_id", "person_id", "order_id", "kind", "tag_id", "valid_from",
                            "valid_to", "buffer_m", "protected_device_id", "proximity_m",
                            "lost_contact_minutes", "battery_threshold", "active"])


def _zone_audit(zone: MonitoringZone) -> dict[str, Any]:
    return {"zone_id": zone.zone_id, "place": zone.place, "type": zone.type}


def _zone_row(spec: ZoneSpec, kind: str) -> MonitoringZone:
    if spec.place not in ZonePlace.values:
        raise ValidationError({"zones": [_("Unknown place %(place)s.") % {"place": spec.place}]})
    if spec.type == "circle":
        if (
            kind == OrderKindChoice.AREA_BAN
            and spec.radius_m is not None
            and not AREA_BAN_MIN_RADIUS_M <= spec.radius_m <= AREA_BAN_MAX_RADIUS_M
        ):
            raise ValidationError({"zones": [_(
                "An area ban's circle has a radius of %(min)d to %(max)d metres."
            ) % {"min": AREA_BAN_MIN_RADIUS_M, "max": AREA_BAN_MAX_RADIUS_M}]})
        return MonitoringZone(zone_id=spec.zone_id, place=spec.place, type="circle",
                              lat=spec.lat, lon=spec.lon, radius_m=spec.radius_m)
    if spec.type == "polygon":
        if kind != OrderKindChoice.AREA_BAN:
            raise ValidationError({"zones": [_("Only an area ban may have a polygon zone.")]})
        ring = [[float(lon), float(lat)] for lon, lat in spec.coordinates or ()]
        return MonitoringZone(zone_id=spec.zone_id, place=spec.place, type="polygon",
                              coordinates=ring)
    raise ValidationError({"zones": [_("A zone is a circle or a polygon.")]})


@transaction.atomic
def monitoring_order_set_active(*, actor: Any, order: MonitoringOrder, active: bool) -> MonitoringOrder:
    """Start or stop evaluating an order (its history stays)."""
    _require_monitoring_officer(actor)
    locked = MonitoringOrder.objects.select_for_update().get(pk=order.pk)
    if locked.owner_organisation_id != actor.organisation_id:
        raise PermissionDenied(_("Only the organisation that owns the order can change it."))
    before = _order_audit(locked)
    locked.active = active
    locked.save(update_fields=["active", "updated_at"])
    _bump_orders_version()
    audit_record(actor=actor, action=Action.UPDATE, obj=locked, purpose=Purpose.MONITORING,
                 changes=changes_between(before, _order_audit(locked)))
    return locked


# --- Ingest --------------------------------------------------------------------------------------


@dataclass
class IngestResult:
    """Per item: ``stored``, ``duplicate`` (same device and time again: ignored) or ``rejected``."""

    items: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item["status"] == status)


def _permitted(credential: Device | None, device: Device) -> bool:
    if credential is None:
        # A trusted transport (the MQTT broker authenticates and restricts topics itself).
        return True
    if credential.kind == DeviceKind.GATEWAY:
        return credential.owner_organisation_id == device.owner_organisation_id
    return credential.pk == device.pk


def rejection_count(*, reason: str, source: str, sample: Mapping[str, Any] | None = None,
                    count: int = 1) -> None:
    """Count refused messages by reason; keep the shape of the last one (no personal data)."""
    now = timezone.now()
    with transaction.atomic():
        row, created = RejectedMessage.objects.select_for_update().get_or_create(
            reason=reason, source=source,
            defaults={"count": count, "first_seen": now, "last_seen": now,
                      "sample": dict(sample or {})},
        )
        if not created:
            RejectedMessage.objects.filter(pk=row.pk).update(
                count=F("count") + count, last_seen=now, sample=dict(sample or {}))


@transaction.atomic
def positions_ingest(
    *,
    positions: Sequence[Any],
    source: str,
    credential: Device | None = None,
    now: datetime | None = None,
) -> IngestResult:
    """Store a batch of position messages, evaluate them, and write the alerts they raise.

    Each item is parsed on its own: a bad one is refused with a reason and counted, and the rest
    of the batch goes on. A second message with the same device and time is ignored (as the
    replay ignores a repeated row). A message older than the device's last evaluated one is
    stored but does not rewind the evaluation (the core ignores it): it is history, not news.
    ``credential`` is the authenticated device or gateway (None: a trusted transport).
    """
    if source not in IngestSource.values:
        raise ValueError(f"unknown ingest source {source!r}")
    received_at = timezone.now()
    latest_allowed = (now or received_at) + CLOCK_SKEW
    result = IngestResult(items=[{"index": index} for index in range(len(positions))])
    refusals: list[Refusal] = []
    parsed: list[tuple[int, core.Position]] = []
    for index, item in enumerate(positions):
        position = parse_position(item)
        if isinstance(position, Refusal):
            refusals.append(position)
            result.items[index].update(status="rejected", reason=position.reason)
            if position.field:
                result.items[index]["field"] = position.field
        elif position.time > latest_allowed:
            refusal = Refusal(RejectReason.TIME_IN_FUTURE, "time", {"field": "time"})
            refusals.append(refusal)
            result.items[index].update(status="rejected", reason=refusal.reason, field="time")
        else:
            parsed.append((index, position))

    devices = {
        device.device_id: device
        for device in Device.objects.filter(
            device_id__in={position.device_id for _, position in parsed}, active=True
        )
    }
    accepted: list[tuple[int, core.Position, Device]] = []
    for index, position in parsed:
        device = devices.get(position.device_id)
        reason: str | None = (
            RejectReason.UNKNOWN_DEVICE if device is None
            else RejectReason.NOT_PERMITTED if not _permitted(credential, device)
            else None
        )
        if reason is not None or device is None:
            refusals.append(Refusal(str(reason), "device_id", {"field": "device_id"}))
            result.items[index].update(status="rejected", reason=str(reason), field="device_id")
            continue
        accepted.append((index, position, device))

    with MONITOR.evaluating():
        MONITOR.sync(MONITOR.lock_state())
        records = _store(accepted, result, source=source, received_at=received_at)
        raised = MONITOR.feed(records, {device.pk: device.device_id for device in devices.values()})
        result.alerts = _write_alerts(raised, raised_at=received_at)
    if result.alerts:
        wakeup.announce()
    for code, group in _grouped(refusals).items():
        rejection_count(reason=code, source=source, sample=group[-1].sample, count=len(group))
    _audit_batch(result, positions, source=source, credential=credential)
    return result


def _store(
    accepted: list[tuple[int, core.Position, Device]],
    result: IngestResult,
    *,
    source: str,
    received_at: datetime,
) -> list[PositionRecord]:
    """Insert the new (device, instant) pairs; mark the rest as duplicates. Lock held."""
    if not accepted:
        return []
    existing = set(
        PositionRecord.objects.filter(
            device_id__in={device.pk for _, _, device in accepted},
            time__in={position.time for _, position, _ in accepted},
        ).values_list("device_id", "time")
    )
    seen = {(device_pk, time.timestamp()) for device_pk, time in existing}
    rows: list[PositionRecord] = []
    for index, position, device in accepted:
        key = (device.pk, position.time.timestamp())
        if key in seen:
            result.items[index]["status"] = "duplicate"
            continue
        seen.add(key)
        result.items[index]["status"] = "stored"
        rows.append(PositionRecord(
            device=device, time=position.time, lat=position.lat, lon=position.lon,
            accuracy_m=position.accuracy_m, battery=position.battery, tamper=position.tamper,
            received_at=received_at, source=source,
        ))
    return _insert(rows)


def _insert(rows: list[Any]) -> list[Any]:
    """Insert rows and give them their ids: the ids are the order others catch up and stream by."""
    from django.db import connection

    if len(rows) > 1 and connection.features.can_return_rows_from_bulk_insert:
        return list(type(rows[0]).objects.bulk_create(rows))
    for row in rows:
        row.save(force_insert=True)
    return rows


def _write_alerts(raised: Sequence[core.Alert], *, raised_at: datetime) -> list[Alert]:
    if not raised:
        return []
    order_pks = MONITOR.order_pks
    rows = [
        Alert(
            order_id=order_pks[alert.order_id],
            type=alert.type.value,
            zone_id=alert.zone_id or "",
            device_id=alert.device_id,
            time=alert.time,
            raised_at=raised_at,
        )
        for alert in core.sort_alerts(raised)
    ]
    existing = set(
        Alert.objects.filter(
            order_id__in={row.order_id for row in rows}, time__in={row.time for row in rows}
        ).values_list("order_id", "type", "zone_id", "device_id", "time")
    )
    fresh = [row for row in rows if (row.order_id, row.type, row.zone_id, row.device_id,
                                     row.time) not in existing]
    return _insert(fresh) if fresh else []


def _grouped(refusals: Iterable[Refusal]) -> dict[str, list[Refusal]]:
    groups: dict[str, list[Refusal]] = {}
    for refusal in refusals:
        groups.setdefault(str(refusal.reason), []).append(refusal)
    return groups


def _audit_batch(
    result: IngestResult, positions: Sequence[Any], *, source: str, credential: Device | None
) -> None:
    stored = result.count("stored")
    if not stored and not result.alerts:
        return  # nothing was written about anyone; refusals are counted in RejectedMessage
    digest = hashlib.sha256(
        json.dumps(list(positions), sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    audit_record(
        actor=None,
        actor_username=f"device:{credential.device_id}" if credential else f"ingest:{source}",
        action=Action.IMPORT,
        object_type="monitoring.positionrecord",
        purpose=Purpose.MONITORING,
        changes={
            "source": source,
            "stored": stored,
            "duplicates": result.count("duplicate"),
            "rejected": result.count("rejected"),
            "alerts": [alert.pk for alert in result.alerts],
            "sha256": digest,
        },
    )


@transaction.atomic
def silence_check(*, now: datetime | None = None) -> list[Alert]:
    """Raise ``lost_contact`` for tags silent longer than their order allows (run periodically).

    ``now`` trails the clock by DELIVERY_GRACE, so a fix still in transit is not taken for
    silence (it would be an alert the replay never raises).
    """
    moment = (now or timezone.now()) - DELIVERY_GRACE
    with MONITOR.evaluating():
        MONITOR.sync(MONITOR.lock_state())
        alerts = _write_alerts(MONITOR.check_silence(moment), raised_at=timezone.now())
    if alerts:
        wakeup.announce()
        audit_record(actor=None, actor_username="monitoring:silence", action=Action.CREATE,
                     object_type="monitoring.alert", purpose=Purpose.MONITORING,
                     changes={"alerts": [alert.pk for alert in alerts]})
    return alerts


# --- Operator actions ---------------------------------------------------------------------------


def _locked_alert(actor: Any, alert: Alert) -> Alert:
    visible = readable(actor, MonitoringOrder.objects.all(), purpose=Purpose.MONITORING)
    locked = (
        Alert.objects.select_for_update(of=("self",))
        .filter(pk=alert.pk, order__in=visible)
        .select_related("order")
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("You do not have access to this alert."))
    return locked


_ALERT_AUDIT = ["status", "note", "acknowledged_by_id", "acknowledged_at", "escalated_by_id",
                "escalated_at", "confirmed_by_id", "confirmed_at", "breach_incident_id"]


def _append_note(alert: Alert, actor: Any, note: str) -> None:
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": [_("A note has at most 2,000 characters.")]})
    if note:
        stamp = timezone.localtime().strftime("%d.%m.%Y %H:%M")
        line = f"{stamp} {actor.username}: {note}"
        alert.note = f"{alert.note}\n{line}" if alert.note else line


@transaction.atomic
def alert_acknowledge(*, actor: Any, alert: Alert, note: str = "") -> Alert:
    """An operator has seen the alert and is handling it."""
    locked = _locked_alert(actor, alert)
    before = snapshot(locked, _ALERT_AUDIT)
    _append_note(locked, actor, note)
    if locked.status == AlertStatus.NEW:
        locked.status = AlertStatus.ACKNOWLEDGED
        locked.acknowledged_by = actor
        locked.acknowledged_at = timezone.now()
    locked.save()
    audit_record(actor=actor, action=Action.UPDATE, obj=locked, purpose=Purpose.MONITORING,
                 reason="acknowledge", changes=changes_between(before, snapshot(locked, _ALERT_AUDIT)))
    wakeup.announce()  # the boards show the new status at once
    return locked


@transaction.atomic
def alert_escalate(*, actor: Any, alert: Alert, note: str) -> Alert:
    """Hand the alert on (patrol dispatched, duty officer called); a note says to whom and why."""
    locked = _locked_alert(actor, alert)
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say to whom and why the alert is escalated.")]})
    before = snapshot(locked, _ALERT_AUDIT)
    _append_note(locked, actor, note)
    now = timezone.now()
    if locked.acknowledged_at is None:
        locked.acknowledged_by, locked.acknowledged_at = actor, now
    locked.status = AlertStatus.ESCALATED
    locked.escalated_by, locked.escalated_at = actor, now
    locked.save()
    audit_record(actor=actor, action=Action.UPDATE, obj=locked, purpose=Purpose.MONITORING,
                 reason="escalate", changes=changes_between(before, snapshot(locked, _ALERT_AUDIT)))
    wakeup.announce()  # the boards show the new status at once
    return locked


@transaction.atomic
def alert_confirm_breach(*, actor: Any, alert: Alert, note: str = "") -> Alert:
    """Confirm a zone or proximity alert as a breach: register a restraining_order_breach incident.

    The incident names the restrained person as suspect, is owned by the order's police, and is
    noted on the order's case, so the case shows the breach and repeated breaches can be seen.
    """
    from samspil.cases.services import case_note_add
    from samspil.incidents.constants import InvolvementRole
    from samspil.incidents.services import LAT_RANGE, LON_RANGE, incident_register

    locked = _locked_alert(actor, alert)
    if locked.type not in BREACH_TYPES:
        raise ValidationError(_("Only a zone or proximity alert can be confirmed as a breach."))
    if locked.breach_incident_id is not None:
        raise ValidationError(_("The breach is already confirmed."))
    order = MonitoringOrder.objects.select_related("case", "case__municipality", "person",
                                                   "tag").get(pk=locked.order_id)
    before = snapshot(locked, _ALERT_AUDIT)
    fix = PositionRecord.objects.filter(device__device_id=locked.device_id,
                                        time=locked.time).first()
    lat = lon = None
    if fix is not None and LAT_RANGE[0] <= fix.lat <= LAT_RANGE[1] and (
        LON_RANGE[0] <= fix.lon <= LON_RANGE[1]
    ):
        lat, lon = fix.lat, fix.lon
    what = locked.get_type_display()
    narrative = _(
        "Electronic monitoring: %(what)s (order %(order)s%(zone)s) at %(time)s, confirmed by "
        "%(user)s."
    ) % {
        "what": what,
        "order": order.order_id,
        "zone": f", {locked.zone_id}" if locked.zone_id else "",
        "time": timezone.localtime(locked.time).strftime("%d.%m.%Y %H:%M:%S"),
        "user": actor.username,
    }
    if (note or "").strip():
        narrative = f"{narrative}\n{note.strip()}"
    incident = incident_register(
        actor=actor,
        journal_no=f"EM-{order.order_id}-{locked.pk}"[:40],
        occurred_at=locked.time,
        reported_at=timezone.now(),
        category="restraining_order_breach",
        municipality=order.case.municipality,
        lat=lat,
        lon=lon,
        narrative=narrative,
        involvements=[(order.person, InvolvementRole.SUSPECT)],
        is_synthetic=order.is_synthetic,
        confidentiality=order.case.confidentiality,
    )
    case_note_add(actor=actor, case=order.case, text=_(
        "Breach of %(order)s confirmed from electronic monitoring: incident %(journal)s."
    ) % {"order": order.order_id, "journal": incident.journal_no})
    _append_note(locked, actor, note)
    now = timezone.now()
    if locked.acknowledged_at is None:
        locked.acknowledged_by, locked.acknowledged_at = actor, now
        locked.status = AlertStatus.ACKNOWLEDGED
    locked.confirmed_by, locked.confirmed_at = actor, now
    locked.breach_incident = incident
    locked.save()
    audit_record(actor=actor, action=Action.UPDATE, obj=locked, purpose=Purpose.MONITORING,
                 reason="confirm breach",
                 changes=changes_between(before, snapshot(locked, _ALERT_AUDIT)))
    wakeup.announce()  # the boards show the new status at once
    return locked
