"""From database rows to the evaluation core's ``Order``: the one bridge between the two.

The live monitor and the order page's replay both evaluate ``to_core_order(row)``, and the
command-line replay evaluates the same ``Order`` read from ORDERS.json; so an order checked with
the replay is evaluated live exactly as checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from samspil.monitoring import core
from samspil.monitoring.models import MonitoringOrder, MonitoringZone


def to_core_zone(zone: MonitoringZone) -> core.Zone:
    if zone.type == "circle":
        assert zone.lat is not None and zone.lon is not None and zone.radius_m is not None
        return core.Zone.circle(zone.zone_id, lat=zone.lat, lon=zone.lon, radius_m=zone.radius_m)
    return core.Zone.polygon(zone.zone_id, coordinates=zone.coordinates or ())


def to_core_order(order: MonitoringOrder, zones: Iterable[MonitoringZone] | None = None) -> core.Order:
    """The core ``Order`` of a row (zones from ``zones`` or the row's own, by zone id)."""
    rows = list(zones) if zones is not None else list(order.zones.all())
    rows.sort(key=lambda zone: zone.zone_id)
    protected = order.protected_device.device_id if order.protected_device is not None else None
    return core.Order(
        order_id=order.order_id,
        kind=order.kind,
        tag=order.tag.device_id,
        valid_from=order.valid_from,
        valid_to=order.valid_to,
        zones=tuple(to_core_zone(zone) for zone in rows),
        buffer_m=float(order.buffer_m),
        protected_device=protected,
        proximity_m=float(order.proximity_m) if protected and order.proximity_m else None,
        lost_contact_minutes=float(order.lost_contact_minutes),
        battery_threshold=float(order.battery_threshold),
    )


def active_core_orders() -> list[core.Order]:
    """Every active order, as the live evaluator needs them."""
    rows = (
        MonitoringOrder.objects.filter(active=True)
        .select_related("tag", "protected_device")
        .prefetch_related("zones")
        .order_by("pk")
    )
    return [to_core_order(row) for row in rows]


def order_to_json(order: core.Order) -> dict[str, Any]:
    """An order as one entry of ORDERS.json (replay format, version 1)."""
    zones: list[dict[str, Any]] = []
    for zone in order.zones:
        if zone.type == "circle":
            zones.append({"zone_id": zone.zone_id, "type": "circle", "lat": zone.lat,
                          "lon": zone.lon, "radius_m": zone.radius_m})
        else:
            ring = [list(pair) for pair in zone.coordinates or ()]
            zones.append({"zone_id": zone.zone_id, "type": "polygon", "coordinates": ring})
    return {
        "order_id": order.order_id,
        "kind": order.kind,
        "tag": order.tag,
        "valid_from": order.valid_from.isoformat(),
        "valid_to": order.valid_to.isoformat(),
        "zones": zones,
        "buffer_m": order.buffer_m,
        "protected_device": order.protected_device,
        "proximity_m": order.proximity_m,
        "lost_contact_minutes": order.lost_contact_minutes,
        "battery_threshold": order.battery_threshold,
    }
