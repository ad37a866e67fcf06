"""Replay a recorded track against monitoring orders (monitoring replay format, version 1).

Reads ORDERS.json and POSITIONS.csv, feeds the positions in time order through the same
``Evaluator`` the live monitor uses, and renders the alerts as the contract's JSON. No Django
here; the management command is a thin layer over ``load_orders``, ``load_positions``, ``replay``
and ``alerts_to_json``.

Bad input raises ``ReplayInputError`` naming the file and, for the CSV, the line and column, and
for the JSON the line and column of a syntax error or the path of the offending value
(``orders[2].zones[0].radius_m``: the standard JSON parser keeps no positions for values). Every
error carries a ``code``, an English ``template`` and its ``params``, so the command layer can
translate: ``gettext(error.template) % error.params``.
"""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from samspil.monitoring import geo
from samspil.monitoring.core import Alert, Evaluator, Order, OrderKind, Position, Zone, sort_alerts

# Positions projected per call: large enough to amortise the call, small enough for memory.
_BATCH = 10_000
CSV_COLUMNS = ("device_id", "time", "lat", "lon", "accuracy_m", "battery", "tamper")
_ORDER_FIELDS = frozenset(
    {
        "order_id",
        "kind",
        "tag",
        "valid_from",
        "valid_to",
        "zones",
        "buffer_m",
        "protected_device",
        "proximity_m",
        "lost_contact_minutes",
        "battery_threshold",
    }
)
_CIRCLE_FIELDS = frozenset({"zone_id", "type", "lat", "lon", "radius_m"})
_POLYGON_FIELDS = frozenset({"zone_id", "type", "coordinates"})


def gettext_noop(message: str) -> str:
    # Named so that makemessages (xgettext --keyword=gettext_noop) collects the templates without
    # this module importing Django.
    return message


_AT_FIELD = "%(file)s, %(path)s: "
_AT_CELL = "%(file)s, line %(line)d, column %(column)s: "
MESSAGES: Mapping[str, str] = {
    "unreadable": gettext_noop("%(file)s: cannot read the file (%(reason)s)."),
    "not_utf8": gettext_noop("%(file)s: the file is not UTF-8 text."),
    "json_syntax": gettext_noop(
        "%(file)s, line %(line)d, column %(column)d: not valid JSON (%(reason)s)."
    ),
    "json_root": gettext_noop('%(file)s: must be a JSON object with a list "orders".'),
    "json_duplicate_key": gettext_noop("%(file)s: the key %(key)s appears twice in one object."),
    "missing": gettext_noop(_AT_FIELD + "this field is required."),
    "unknown_field": gettext_noop(_AT_FIELD + "not a field of the replay format."),
    "not_object": gettext_noop(_AT_FIELD + "must be an object."),
    "not_list": gettext_noop(_AT_FIELD + "must be a list."),
    "not_text": gettext_noop(_AT_FIELD + "must be a non-empty string."),
    "not_number": gettext_noop(_AT_FIELD + "must be a number."),
    "not_positive": gettext_noop(_AT_FIELD + "must be greater than 0."),
    "negative": gettext_noop(_AT_FIELD + "must not be negative."),
    "not_fraction": gettext_noop(_AT_FIELD + "must be between 0 and 1."),
    "not_latitude": gettext_noop(_AT_FIELD + "must be a latitude between -90 and 90."),
    "not_longitude": gettext_noop(_AT_FIELD + "must be a longitude between -180 and 180."),
    "not_choice": gettext_noop(_AT_FIELD + "must be one of %(choices)s, not %(value)s."),
    "not_time": gettext_noop(_AT_FIELD + "must be an ISO 8601 time with an offset, not %(value)s."),
    "empty_window": gettext_noop(_AT_FIELD + "valid_from must be before valid_to."),
    "duplicate_order": gettext_noop(_AT_FIELD + "order %(value)s is given twice."),
    "duplicate_zone": gettext_noop(_AT_FIELD + "zone %(value)s is given twice in this order."),
    "tag_protects_itself": gettext_noop(
        _AT_FIELD + "the protected device cannot be the order's own tag."
    ),
    "bad_polygon": gettext_noop(_AT_FIELD + "not a usable polygon: %(reason)s."),
    "csv_empty": gettext_noop("%(file)s: the file is empty; expected the header %(expected)s."),
    "csv_header": gettext_noop(
        "%(file)s, line %(line)d: the header must be %(expected)s, not %(found)s."
    ),
    "csv_syntax": gettext_noop("%(file)s, line %(line)d: not valid CSV (%(reason)s)."),
    "csv_field_count": gettext_noop(
        "%(file)s, line %(line)d: expected %(expected)d fields, found %(found)d."
    ),
    "cell_missing": gettext_noop(_AT_CELL + "a value is required."),
    "cell_not_number": gettext_noop(_AT_CELL + "must be a number, not %(value)s."),
    "cell_negative": gettext_noop(_AT_CELL + "must not be negative, not %(value)s."),
    "cell_not_fraction": gettext_noop(_AT_CELL + "must be between 0 and 1, not %(value)s."),
    "cell_not_latitude": gettext_noop(
        _AT_CELL + "must be a latitude between -90 and 90, not %(value)s."
    ),
    "cell_not_longitude": gettext_noop(
        _AT_CELL + "must be a longitude between -180 and 180, not %(value)s."
    ),
    "cell_not_tamper": gettext_noop(_AT_CELL + "must be 0, 1 or empty, not %(value)s."),
    "cell_not_time": gettext_noop(
        _AT_CELL + "must be an ISO 8601 time with an offset, not %(value)s."
    ),
}


class ReplayInputError(ValueError):
    """An input file of the replay is unreadable or breaks the format.

    ``str(error)`` is the English message; ``code``, ``template`` and ``params`` let a caller
    translate it.
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.template = MESSAGES[code]
        self.params = params
        super().__init__(self.template % params)


def load_orders(path: str | os.PathLike[str]) -> list[Order]:
    """Read and validate ORDERS.json: ``{"orders": [...]}``, every field as in the contract.

    ``protected_device`` may be absent (meaning null); ``proximity_m`` is required with a protected
    device and ignored without one. Unknown fields are refused rather than ignored, so that a typo
    such as ``buffer`` for ``buffer_m`` cannot silently leave an order without its hysteresis.
    Raises ``ReplayInputError`` for the first problem; ``check_orders`` lists them all.
    """
    orders, errors = check_orders(path)
    if errors:
        raise errors[0]
    return orders


def check_orders(path: str | os.PathLike[str]) -> tuple[list[Order], list[ReplayInputError]]:
    """Like ``load_orders``, but go on past a bad order: every problem, one per order at most.

    A problem with the file as a whole (unreadable, not JSON, no "orders" list) is the only one.
    """
    file = os.fspath(path)
    try:
        text = _read_text(file)
        try:
            document = json.loads(text, object_pairs_hook=_unique_keys(file))
        except json.JSONDecodeError as error:
            raise ReplayInputError(
                "json_syntax", file=file, line=error.lineno, column=error.colno, reason=error.msg
            ) from error
        if not isinstance(document, dict):
            raise ReplayInputError("json_root", file=file)
        fields = _Fields(file)
        fields.known(document, frozenset({"orders"}), "")
        items = fields.items(fields.required(document, "orders", ""), "orders")
    except ReplayInputError as error:
        return [], [error]
    orders: list[Order] = []
    errors: list[ReplayInputError] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"orders[{index}]"
        try:
            order = _order(fields, item, where)
        except ReplayInputError as error:
            errors.append(error)
            continue
        if order.order_id in seen:
            errors.append(ReplayInputError(
                "duplicate_order", file=file, path=f"{where}.order_id", value=order.order_id
            ))
            continue
        seen.add(order.order_id)
        orders.append(order)
    return orders, errors


def load_positions(path: str | os.PathLike[str]) -> list[Position]:
    """Read and validate POSITIONS.csv; return the positions in time order, without repeats.

    Rows may come in any order. A row with the same device and the same instant as an earlier row
    (whatever the offsets) is ignored: the first row in the file wins. Ties between devices at one
    instant are ordered by device id (``Position.sort_key``) so the result never depends on row
    order. Blank lines are skipped; ``accuracy_m`` is validated but no alert depends on it.
    Raises ``ReplayInputError`` for the first problem; ``check_positions`` lists them all.
    """
    return _dedupe(_read_positions(os.fspath(path), None))


def check_positions(
    path: str | os.PathLike[str],
) -> tuple[list[Position], list[ReplayInputError]]:
    """Like ``load_positions``, but go on past bad rows: one problem per bad row.

    A problem with the file as a whole (unreadable, wrong header, broken quoting) ends the read.
    """
    errors: list[ReplayInputError] = []
    try:
        positions = _dedupe(_read_positions(os.fspath(path), errors))
    except ReplayInputError as error:
        errors.append(error)
        positions = []
    return positions, errors


def _dedupe(rows: Iterable[Position]) -> list[Position]:
    positions: list[Position] = []
    seen: set[tuple[str, datetime]] = set()
    for position in rows:
        key = (position.device_id, position.time.astimezone(UTC))
        if key in seen:
            continue
        seen.add(key)
        positions.append(position)
    positions.sort(key=Position.sort_key)
    return positions


def replay(orders: Iterable[Order], positions: Iterable[Position]) -> list[Alert]:
    """Evaluate ``positions`` against ``orders`` as the live monitor would, in the contract's order.

    Positions need not be sorted, and a repeated (device, instant) keeps the first one given.
    """
    evaluator = Evaluator(orders)
    alerts: list[Alert] = []
    # sorted() is stable, so among repeats of one device and instant the first given is fed first
    # and the evaluator ignores the rest.
    ordered = sorted(positions, key=Position.sort_key)
    for start in range(0, len(ordered), _BATCH):
        alerts.extend(evaluator.feed_many(ordered[start:start + _BATCH]))
    return sort_alerts(alerts)


def alerts_to_json(alerts: Iterable[Alert]) -> dict[str, list[dict[str, str]]]:
    """Render alerts as the contract's ``{"alerts": [...]}``, sorted as the contract says.

    Each time is printed with the offset of the input position that produced the alert: for
    ``lost_contact`` that is the earlier of the two positions, since the alert's time is that
    position's time + lost_contact_minutes. So a track recorded in local time reads in local time,
    a track in UTC reads in UTC (``+00:00``, also for input written with ``Z``), and an alert can
    always be matched to its row. Sub-second input prints with microseconds.
    """
    rendered: list[dict[str, str]] = []
    for alert in sort_alerts(alerts):
        item = {
            "time": alert.time.isoformat(),
            "order_id": alert.order_id,
            "type": alert.type.value,
        }
        if alert.zone_id is not None:
            item["zone_id"] = alert.zone_id
        item["device_id"] = alert.device_id
        rendered.append(item)
    return {"alerts": rendered}


def _read_text(file: str) -> str:
    try:
        # utf-8-sig: spreadsheet programs like to start a CSV (and editors a JSON) with a BOM.
        with open(file, encoding="utf-8-sig") as handle:
            return handle.read()
    except UnicodeDecodeError as error:
        raise ReplayInputError("not_utf8", file=file) from error
    except OSError as error:
        raise ReplayInputError("unreadable", file=file, reason=error.strerror or error) from error


def _unique_keys(file: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            # json keeps the last of repeated keys silently; in an order that could hide a
            # second, different radius, so refuse it.
            if key in result:
                raise ReplayInputError("json_duplicate_key", file=file, key=key)
            result[key] = value
        return result

    return hook


class _Fields:
    """Typed access to parsed JSON values, raising ``ReplayInputError`` with the value's path."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, code: str, path: str, **params: Any) -> ReplayInputError:
        return ReplayInputError(code, file=self.file, path=path, **params)

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail("not_object", path)
        return value

    def items(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail("not_list", path)
        return value

    def known(self, mapping: dict[str, Any], allowed: frozenset[str], path: str) -> None:
        for key in mapping:
            if key not in allowed:
                raise self.fail("unknown_field", _join(path, key))

    def required(self, mapping: dict[str, Any], key: str, path: str) -> Any:
        if key not in mapping:
            raise self.fail("missing", _join(path, key))
        return mapping[key]

    def text(self, mapping: dict[str, Any], key: str, path: str) -> str:
        value = self.required(mapping, key, path)
        if not isinstance(value, str) or not value.strip():
            raise self.fail("not_text", _join(path, key))
        return value

    def number(self, mapping: dict[str, Any], key: str, path: str) -> float:
        value = self.required(mapping, key, path)
        return self.number_value(value, _join(path, key))

    def number_value(self, value: Any, path: str) -> float:
        # bool is an int in Python, but `true` is no distance; NaN and Infinity parse as floats.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail("not_number", path)
        if not math.isfinite(value):
            raise self.fail("not_number", path)
        return float(value)

    def positive(self, mapping: dict[str, Any], key: str, path: str) -> float:
        value = self.number(mapping, key, path)
        if not value > 0:
            raise self.fail("not_positive", _join(path, key))
        return value

    def time(self, mapping: dict[str, Any], key: str, path: str) -> datetime:
        value = self.required(mapping, key, path)
        parsed = _parse_time(value) if isinstance(value, str) else None
        if parsed is None:
            raise self.fail("not_time", _join(path, key), value=json.dumps(value))
        return parsed


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _order(fields: _Fields, item: Any, where: str) -> Order:
    data = fields.mapping(item, where)
    fields.known(data, _ORDER_FIELDS, where)
    order_id = fields.text(data, "order_id", where)
    kind = fields.text(data, "kind", where)
    if kind not in {member.value for member in OrderKind}:
        choices = ", ".join(member.value for member in OrderKind)
        raise fields.fail("not_choice", f"{where}.kind", choices=choices, value=kind)
    tag = fields.text(data, "tag", where)
    valid_from = fields.time(data, "valid_from", where)
    valid_to = fields.time(data, "valid_to", where)
    if not valid_from < valid_to:
        raise fields.fail("empty_window", f"{where}.valid_to")
    buffer_m = fields.number(data, "buffer_m", where)
    if buffer_m < 0:
        raise fields.fail("negative", f"{where}.buffer_m")
    protected_device: str | None = None
    proximity_m: float | None = None
    if data.get("protected_device") is not None:
        protected_device = fields.text(data, "protected_device", where)
        if protected_device == tag:
            raise fields.fail("tag_protects_itself", f"{where}.protected_device")
        proximity_m = fields.positive(data, "proximity_m", where)
    lost_contact_minutes = fields.positive(data, "lost_contact_minutes", where)
    battery_threshold = fields.number(data, "battery_threshold", where)
    if not 0 <= battery_threshold <= 1:
        raise fields.fail("not_fraction", f"{where}.battery_threshold")
    zones: list[Zone] = []
    zone_items = fields.items(fields.required(data, "zones", where), f"{where}.zones")
    for index, zone_item in enumerate(zone_items):
        zone = _zone(fields, zone_item, f"{where}.zones[{index}]")
        if any(other.zone_id == zone.zone_id for other in zones):
            path = f"{where}.zones[{index}].zone_id"
            raise fields.fail("duplicate_zone", path, value=zone.zone_id)
        zones.append(zone)
    return Order(
        order_id=order_id,
        kind=kind,
        tag=tag,
        valid_from=valid_from,
        valid_to=valid_to,
        zones=tuple(zones),
        buffer_m=buffer_m,
        protected_device=protected_device,
        proximity_m=proximity_m,
        lost_contact_minutes=lost_contact_minutes,
        battery_threshold=battery_threshold,
    )


def _zone(fields: _Fields, item: Any, where: str) -> Zone:
    data = fields.mapping(item, where)
    zone_id = fields.text(data, "zone_id", where)
    zone_type = fields.text(data, "type", where)
    if zone_type == "circle":
        fields.known(data, _CIRCLE_FIELDS, where)
        lat = fields.number(data, "lat", where)
        lon = fields.number(data, "lon", where)
        _check_lat_lon(fields, lat, lon, f"{where}.lat", f"{where}.lon")
        radius_m = fields.positive(data, "radius_m", where)
        return Zone.circle(zone_id, lat=lat, lon=lon, radius_m=radius_m)
    if zone_type == "polygon":
        fields.known(data, _POLYGON_FIELDS, where)
        ring_path = f"{where}.coordinates"
        ring: list[tuple[float, float]] = []
        pairs = fields.items(fields.required(data, "coordinates", where), ring_path)
        for index, pair in enumerate(pairs):
            pair_path = f"{ring_path}[{index}]"
            values = fields.items(pair, pair_path)
            if len(values) != 2:
                # GeoJSON allows an altitude as a third value, but a zone is flat.
                raise fields.fail("bad_polygon", pair_path, reason="a position is [lon, lat]")
            lon = fields.number_value(values[0], f"{pair_path}[0]")
            lat = fields.number_value(values[1], f"{pair_path}[1]")
            _check_lat_lon(fields, lat, lon, f"{pair_path}[1]", f"{pair_path}[0]")
            ring.append((lon, lat))
        try:
            geo.polygon_from_ring(ring)
        except ValueError as error:
            raise fields.fail("bad_polygon", ring_path, reason=str(error)) from error
        return Zone.polygon(zone_id, coordinates=ring)
    raise fields.fail("not_choice", f"{where}.type", choices="circle, polygon", value=zone_type)


def _check_lat_lon(fields: _Fields, lat: float, lon: float, lat_path: str, lon_path: str) -> None:
    if not -90 <= lat <= 90:
        raise fields.fail("not_latitude", lat_path)
    if not -180 <= lon <= 180:
        raise fields.fail("not_longitude", lon_path)


def _parse_time(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    # A time without an offset is ambiguous for an hour every autumn; the format demands one.
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None
    return parsed


def _read_positions(file: str, errors: list[ReplayInputError] | None) -> Iterator[Position]:
    try:
        # utf-8-sig as in _read_text; newline="" lets csv see quoted line breaks itself. Read as a
        # stream: a night of fixes for a district is large.
        handle = open(file, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as error:
        raise ReplayInputError("unreadable", file=file, reason=error.strerror or error) from error
    with handle:
        yield from _parse_positions(file, handle, errors)


def _parse_positions(
    file: str, lines: Iterable[str], errors: list[ReplayInputError] | None = None
) -> Iterator[Position]:
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ReplayInputError("csv_empty", file=file, expected=",".join(CSV_COLUMNS))
        if tuple(name.strip() for name in header) != CSV_COLUMNS:
            raise ReplayInputError(
                "csv_header",
                file=file,
                line=reader.line_num,
                expected=",".join(CSV_COLUMNS),
                found=",".join(header),
            )
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue
            if errors is None:
                yield _position(file, reader.line_num, row)
                continue
            try:
                position = _position(file, reader.line_num, row)
            except ReplayInputError as error:
                errors.append(error)
                continue
            yield position
    except csv.Error as error:
        raise ReplayInputError(
            "csv_syntax", file=file, line=reader.line_num, reason=str(error)
        ) from error
    except UnicodeDecodeError as error:
        raise ReplayInputError("not_utf8", file=file) from error


def _position(file: str, line: int, row: list[str]) -> Position:
    if len(row) != len(CSV_COLUMNS):
        raise ReplayInputError(
            "csv_field_count", file=file, line=line, expected=len(CSV_COLUMNS), found=len(row)
        )
    cells = dict(zip(CSV_COLUMNS, (cell.strip() for cell in row), strict=True))

    def fail(code: str, column: str) -> ReplayInputError:
        return ReplayInputError(code, file=file, line=line, column=column, value=cells[column])

    def number(column: str, *, required: bool) -> float | None:
        if not cells[column]:
            if required:
                raise fail("cell_missing", column)
            return None
        try:
            value = float(cells[column])
        except ValueError:
            raise fail("cell_not_number", column) from None
        if not math.isfinite(value):
            raise fail("cell_not_number", column)
        return value

    device_id = cells["device_id"]
    if not device_id:
        raise fail("cell_missing", "device_id")
    if not cells["time"]:
        raise fail("cell_missing", "time")
    time = _parse_time(cells["time"])
    if time is None:
        raise fail("cell_not_time", "time")
    lat = number("lat", required=True)
    assert lat is not None
    if not -90 <= lat <= 90:
        raise fail("cell_not_latitude", "lat")
    lon = number("lon", required=True)
    assert lon is not None
    if not -180 <= lon <= 180:
        raise fail("cell_not_longitude", "lon")
    accuracy_m = number("accuracy_m", required=False)
    if accuracy_m is not None and accuracy_m < 0:
        raise fail("cell_negative", "accuracy_m")
    battery = number("battery", required=False)
    if battery is not None and not 0 <= battery <= 1:
        raise fail("cell_not_fraction", "battery")
    tamper: bool | None = None
    if cells["tamper"]:
        if cells["tamper"] not in {"0", "1"}:
            raise fail("cell_not_tamper", "tamper")
        tamper = cells["tamper"] == "1"
    return Position(
        device_id=device_id,
        time=time,
        lat=lat,
        lon=lon,
        accuracy_m=accuracy_m,
        battery=battery,
        tamper=tamper,
    )
