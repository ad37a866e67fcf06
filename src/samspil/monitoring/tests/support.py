"""Test tracks near Roskilde, placed in EPSG:25832 metres so that distances in tests are exact."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from samspil.monitoring import geo
from samspil.monitoring.core import Order, Position, Zone

ORIGIN_LAT, ORIGIN_LON = 55.64, 12.08
ORIGIN_X, ORIGIN_Y = geo.project(ORIGIN_LAT, ORIGIN_LON)

CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))
T0 = datetime(2026, 2, 3, 21, 0, tzinfo=CET)

TAG = "TAG-0001"
VICTIM = "VIC-0001"


def place(east_m: float, north_m: float) -> tuple[float, float]:
    """(lat, lon) of the point east_m, north_m metres from the origin on the EPSG:25832 grid."""
    return geo.unproject(ORIGIN_X + east_m, ORIGIN_Y + north_m)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def fix(
    minutes: float,
    east_m: float,
    north_m: float = 0.0,
    *,
    device: str = TAG,
    battery: float | None = None,
    tamper: bool | None = None,
    time: datetime | None = None,
) -> Position:
    lat, lon = place(east_m, north_m)
    return Position(
        device_id=device,
        time=at(minutes) if time is None else time,
        lat=lat,
        lon=lon,
        battery=battery,
        tamper=tamper,
    )


def home(radius_m: float = 500) -> Zone:
    """A circle zone centred on the origin."""
    return Zone.circle("home", lat=ORIGIN_LAT, lon=ORIGIN_LON, radius_m=radius_m)


def square(zone_id: str, west_m: float, south_m: float, side_m: float) -> Zone:
    """A square polygon zone, its corners given in metres from the origin."""
    corners = [
        (west_m, south_m),
        (west_m + side_m, south_m),
        (west_m + side_m, south_m + side_m),
        (west_m, south_m + side_m),
        (west_m, south_m),
    ]
    ring = [(lon, lat) for lat, lon in (place(east, north) for east, north in corners)]
    return Zone.polygon(zone_id, coordinates=ring)


def order(**overrides: Any) -> Order:
    fields: dict[str, Any] = {
        "order_id": "T-2026-0001",
        "kind": "restraining_order",
        "tag": TAG,
        "valid_from": datetime(2026, 1, 1, tzinfo=CET),
        "valid_to": datetime(2026, 7, 1, tzinfo=CEST),
        "zones": (home(),),
        "buffer_m": 50.0,
        "protected_device": None,
        "proximity_m": None,
        "lost_contact_minutes": 10,
        "battery_threshold": 0.15,
    }
    fields.update(overrides)
    return Order(**fields)


def kinds(alerts: Any) -> list[tuple[Any, ...]]:
    """A compact view of alerts for assertions: (minutes after T0, type, zone_id, device)."""
    return [
        ((alert.time - T0) / timedelta(minutes=1), alert.type.value, alert.zone_id, alert.device_id)
        for alert in alerts
    ]
