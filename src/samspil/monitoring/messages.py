"""Parsing one ingested position message (HTTP or MQTT) into a core ``Position`` — no Django ORM.

The fields are the replay CSV's columns as JSON: ``{"device_id", "time", "lat", "lon",
"accuracy_m", "battery", "tamper"}``; the last three may be absent or null. A bad message gives a
``Refusal`` with a reason code and the failing field, and a *sample* that describes its shape
without any value (no coordinates, device ids or times leave this module in a refusal).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from samspil.monitoring.constants import MAX_BATCH, RejectReason
from samspil.monitoring.core import Position

FIELDS = ("device_id", "time", "lat", "lon", "accuracy_m", "battery", "tamper")
REQUIRED = ("device_id", "time", "lat", "lon")


@dataclass(frozen=True)
class Refusal:
    reason: str
    field: str = ""
    sample: dict[str, Any] = dataclasses.field(default_factory=dict)


def shape_of(value: Any) -> Any:
    """The JSON type of a value, or of each field of an object: what a refusal may keep."""
    if isinstance(value, dict):
        return {str(key)[:40]: type(item).__name__ for key, item in list(value.items())[:20]}
    return type(value).__name__


def parse_batch(payload: bytes | str) -> list[Any] | Refusal:
    """A batch is a JSON list of position objects; a single object is a batch of one."""
    try:
        document = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return Refusal(RejectReason.NOT_JSON)
    if isinstance(document, dict):
        return [document]
    if not isinstance(document, list):
        return Refusal(RejectReason.NOT_A_BATCH, sample={"type": shape_of(document)})
    if len(document) > MAX_BATCH:
        return Refusal(RejectReason.BATCH_TOO_LARGE, sample={"items": len(document)})
    return document


def _number(value: Any) -> float | None:
    # bool is an int in Python, but `true` is no coordinate; NaN and Infinity are refused too.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None
    return parsed


def parse_position(item: Any) -> Position | Refusal:
    """Validate one message like the replay validates one CSV row."""
    if not isinstance(item, dict):
        return Refusal(RejectReason.NOT_OBJECT, sample={"type": shape_of(item)})

    def refuse(reason: str, name: str) -> Refusal:
        return Refusal(reason, name, {"fields": shape_of(item), "field": name})

    for name in item:
        if name not in FIELDS:
            return refuse(RejectReason.UNKNOWN_FIELD, str(name)[:40])
    for name in REQUIRED:
        if item.get(name) is None:
            return refuse(RejectReason.MISSING_FIELD, name)
    device_id = item["device_id"]
    if not isinstance(device_id, str) or not device_id.strip() or len(device_id) > 64:
        return refuse(RejectReason.BAD_DEVICE, "device_id")
    time = parse_time(item["time"])
    if time is None:
        return refuse(RejectReason.BAD_TIME, "time")
    lat = _number(item["lat"])
    if lat is None or not -90 <= lat <= 90:
        return refuse(RejectReason.BAD_LATITUDE, "lat")
    lon = _number(item["lon"])
    if lon is None or not -180 <= lon <= 180:
        return refuse(RejectReason.BAD_LONGITUDE, "lon")
    accuracy: float | None = None
    if item.get("accuracy_m") is not None:
        accuracy = _number(item["accuracy_m"])
        if accuracy is None or accuracy < 0:
            return refuse(RejectReason.BAD_ACCURACY, "accuracy_m")
    battery: float | None = None
    if item.get("battery") is not None:
        battery = _number(item["battery"])
        if battery is None or not 0 <= battery <= 1:
            return refuse(RejectReason.BAD_BATTERY, "battery")
    tamper: bool | None = None
    raw_tamper = item.get("tamper")
    if raw_tamper is not None:
        # 0/1 as in the CSV, or JSON booleans; "1" as text is a mistake worth refusing.
        if raw_tamper is True or raw_tamper is False:
            tamper = raw_tamper
        elif isinstance(raw_tamper, int) and raw_tamper in (0, 1):
            tamper = raw_tamper == 1
        else:
            return refuse(RejectReason.BAD_TAMPER, "tamper")
    return Position(
        device_id=device_id.strip(),
        time=time,
        lat=lat,
        lon=lon,
        accuracy_m=accuracy,
        battery=battery,
        tamper=tamper,
    )
