"""The electronic-monitoring evaluation core, shared by the live monitor and the replay.

The replay contract (docs: monitoring replay format, version 1) demands that a replay gives
exactly what the live evaluation gave, so there is one evaluator and both feed it: the replay
sorts a recorded track and feeds it position by position, the live monitor feeds positions as
they arrive and calls ``check_silence`` on a clock. No Django and no ORM here.

Time is compared as instants: every datetime is normalised to UTC before it is compared or
subtracted, because Python compares two datetimes that share a tzinfo object (a ``ZoneInfo``, say)
by wall clock, which is wrong across a daylight-saving change. Alerts keep the offset of the
position that raised them, for printing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Literal

import shapely
from shapely import STRtree
from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from samspil.monitoring import geo

# Proximity compares a position with the other device's latest position only if that one is at
# most this old; an older one says nothing about where the other person is now.
PROXIMITY_MAX_AGE = timedelta(minutes=5)
# A tag watched through more zones than this gets an R-tree; fewer are scanned (see _TagIndex).
_SCAN_LIMIT = 16


class AlertType(StrEnum):
    ZONE_ENTER = "zone_enter"
    ZONE_EXIT = "zone_exit"
    PROXIMITY = "proximity"
    PROXIMITY_END = "proximity_end"
    LOST_CONTACT = "lost_contact"
    BATTERY_LOW = "battery_low"
    TAMPER = "tamper"


class OrderKind(StrEnum):
    RESTRAINING_ORDER = "restraining_order"
    AREA_BAN = "area_ban"


ZoneType = Literal["circle", "polygon"]


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime (with an offset)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Zone:
    """A zone as written in an order: a circle (centre and radius) or a GeoJSON polygon ring."""

    zone_id: str
    type: ZoneType
    lat: float | None = None
    lon: float | None = None
    radius_m: float | None = None
    # One closed outer ring of (lon, lat) pairs, GeoJSON order.
    coordinates: tuple[tuple[float, float], ...] | None = None

    def __post_init__(self) -> None:
        if not self.zone_id:
            raise ValueError("a zone needs a zone_id")
        if self.type == "circle":
            if self.lat is None or self.lon is None or self.radius_m is None:
                raise ValueError(f"circle zone {self.zone_id!r} needs lat, lon and radius_m")
            if not self.radius_m > 0:
                raise ValueError(f"circle zone {self.zone_id!r} needs a positive radius_m")
        elif self.type == "polygon":
            if not self.coordinates:
                raise ValueError(f"polygon zone {self.zone_id!r} needs coordinates")
        else:
            raise ValueError(f"zone {self.zone_id!r} has unknown type {self.type!r}")

    @classmethod
    def circle(cls, zone_id: str, *, lat: float, lon: float, radius_m: float) -> Zone:
        return cls(zone_id=zone_id, type="circle", lat=lat, lon=lon, radius_m=radius_m)

    @classmethod
    def polygon(cls, zone_id: str, *, coordinates: Iterable[Iterable[float]]) -> Zone:
        ring = tuple((float(lon), float(lat)) for lon, lat in coordinates)
        return cls(zone_id=zone_id, type="polygon", coordinates=ring)


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    """A monitoring order (tilhold or opholdsforbud) with the configuration the alerts depend on."""

    order_id: str
    kind: str
    tag: str
    valid_from: datetime
    valid_to: datetime
    zones: tuple[Zone, ...] = ()
    buffer_m: float = 0.0
    protected_device: str | None = None
    proximity_m: float | None = None
    lost_contact_minutes: float
    battery_threshold: float

    def __post_init__(self) -> None:
        # The replay loader reports these with file and field; this is the last line of defence
        # for callers (the live monitor) that build orders from elsewhere.
        if not self.order_id or not self.tag:
            raise ValueError("an order needs an order_id and a tag")
        if self.kind not in {member.value for member in OrderKind}:
            raise ValueError(f"order {self.order_id!r}: unknown kind {self.kind!r}")
        _require_aware(self.valid_from, "valid_from")
        _require_aware(self.valid_to, "valid_to")
        if not self.valid_from < self.valid_to:
            raise ValueError(f"order {self.order_id!r}: valid_from must be before valid_to")
        if not self.buffer_m >= 0:
            raise ValueError(f"order {self.order_id!r}: buffer_m must not be negative")
        if not self.lost_contact_minutes > 0:
            raise ValueError(f"order {self.order_id!r}: lost_contact_minutes must be positive")
        if not 0 <= self.battery_threshold <= 1:
            raise ValueError(f"order {self.order_id!r}: battery_threshold must be within 0–1")
        if self.protected_device is not None:
            if self.protected_device == self.tag:
                raise ValueError(f"order {self.order_id!r}: the tag cannot protect itself")
            if self.proximity_m is None or not self.proximity_m > 0:
                raise ValueError(f"order {self.order_id!r}: proximity_m must be positive")
        zone_ids = [zone.zone_id for zone in self.zones]
        if len(set(zone_ids)) != len(zone_ids):
            raise ValueError(f"order {self.order_id!r}: zone ids must be unique")

    @property
    def watches_proximity(self) -> bool:
        # proximity_m is ignored without a protected device (replay format, "ORDERS.json").
        return self.protected_device is not None and self.proximity_m is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class Position:
    """One fix from a device; ``battery`` (0–1) and ``tamper`` are ``None`` when not reported."""

    device_id: str
    time: datetime
    lat: float
    lon: float
    accuracy_m: float | None = None
    battery: float | None = None
    tamper: bool | None = None

    def __post_init__(self) -> None:
        _require_aware(self.time, "a position's time")

    def sort_key(self) -> tuple[datetime, str]:
        """Time order, ties broken by device so that a replay never depends on row order."""
        return (self.time.astimezone(UTC), self.device_id)


@dataclass(frozen=True, slots=True)
class Alert:
    time: datetime
    order_id: str
    type: AlertType
    zone_id: str | None
    device_id: str

    def sort_key(self) -> tuple[datetime, str, str, str]:
        """The contract's order: time, then order_id, type, zone_id (absent sorts first)."""
        return (self.time.astimezone(UTC), self.order_id, self.type.value, self.zone_id or "")


def sort_alerts(alerts: Iterable[Alert]) -> list[Alert]:
    # sorted() is stable, so alerts equal under the contract's key keep the order they were
    # raised in.
    return sorted(alerts, key=Alert.sort_key)


class _ZoneShape:
    """A zone projected to metres, with the two tests the hysteresis needs."""

    __slots__ = ("bounds", "centre_x", "centre_y", "envelope", "polygon", "radius", "zone_id")

    def __init__(self, zone: Zone) -> None:
        self.zone_id = zone.zone_id
        self.polygon: Polygon | None = None
        self.radius = 0.0
        self.centre_x = self.centre_y = 0.0
        if zone.type == "circle":
            assert zone.lat is not None and zone.lon is not None and zone.radius_m is not None
            self.centre_x, self.centre_y = geo.project(zone.lat, zone.lon)
            self.radius = float(zone.radius_m)
            self.envelope: BaseGeometry = box(
                self.centre_x - self.radius,
                self.centre_y - self.radius,
                self.centre_x + self.radius,
                self.centre_y + self.radius,
            )
        else:
            assert zone.coordinates is not None
            self.polygon = geo.polygon_from_ring(zone.coordinates)
            shapely.prepare(self.polygon)
            self.envelope = self.polygon
        # (minx, miny, maxx, maxy) of the envelope, for the tree-less scan of a tag's few zones.
        self.bounds: tuple[float, float, float, float] = tuple(self.envelope.bounds)  # type: ignore[assignment]

    def contains(self, x: float, y: float) -> bool:
        """Inside for ``zone_enter``: within the radius, or in the polygon (boundary included)."""
        if self.polygon is None:
            return math.hypot(x - self.centre_x, y - self.centre_y) <= self.radius
        return bool(shapely.intersects_xy(self.polygon, x, y))

    def is_beyond(self, x: float, y: float, buffer_m: float) -> bool:
        """Far enough out for ``zone_exit``: past radius + buffer, or more than buffer outside."""
        if self.polygon is None:
            return math.hypot(x - self.centre_x, y - self.centre_y) > self.radius + buffer_m
        # Distance to a polygon is 0 inside it and the distance to its boundary outside it.
        return float(self.polygon.distance(Point(x, y))) > buffer_m

    def may_contain(self, x: float, y: float) -> bool:
        """The envelope test the R-tree makes: only then can ``contains`` be true."""
        minx, miny, maxx, maxy = self.bounds
        return minx <= x <= maxx and miny <= y <= maxy


@dataclass(slots=True, frozen=True)
class _Fix:
    instant: datetime  # UTC, for comparing and subtracting
    time: datetime  # as reported, for the offset an alert is printed with
    x: float
    y: float


@dataclass(slots=True, eq=False)
class _OrderState:
    order: Order
    valid_from: datetime
    valid_to: datetime
    lost_after: timedelta
    zones: dict[str, _ZoneShape]
    inside: set[str] = field(default_factory=set)
    near: bool = False
    last_tag: _Fix | None = None
    last_protected: _Fix | None = None
    battery_low: bool = False
    tampered: bool = False
    # The instant of the tag fix whose silence check_silence has already reported, so that the
    # position which finally ends the silence does not report it a second time.
    silence_reported_after: datetime | None = None

    def counts(self, instant: datetime) -> bool:
        return self.valid_from <= instant < self.valid_to


@dataclass(slots=True, eq=False)
class _TagIndex:
    """Everything one tag is watched by: its orders and an R-tree over all their zones.

    Most tags have a handful of zones; for those a scan of the envelopes is several times faster
    than asking a tree (which needs a shapely point per fix), and gives the same candidates.
    """

    orders: list[_OrderState]
    tree: STRtree | None
    entries: list[tuple[_OrderState, _ZoneShape]]


def _at(instant: datetime, like: datetime) -> datetime:
    # Computed in UTC, then shown in the reporting position's zone: adding a timedelta to a
    # ZoneInfo datetime would add wall-clock time and be an hour off across a DST change.
    return instant.astimezone(like.tzinfo)


class Evaluator:
    """Turns a time-ordered stream of positions into alerts, one position at a time.

    Build it once from the orders in force and ``feed`` it every position in time order: the replay
    sorts its file first, the live monitor feeds positions as they arrive. State kept per order:
    inside/outside per zone, near/apart, last battery and tamper readings, and the last tag and
    protected-device fixes (for lost contact and proximity).

    A position for a device no order knows is ignored, and so is one that is not later than the
    last position fed for the same device: that is the replay's "a second row with the same device
    and time is ignored", and it keeps a resent or late fix from rewinding the state in the live
    monitor. A position of a *different* device that arrives late is still evaluated, but
    proximity only ever looks at the other device's fix when that fix is at or before it.

    Zones are found through one shapely ``STRtree`` per tag over the zones of all its orders,
    rather than one tree over every zone in the district: a fix can only ever concern its own
    tag's zones, and area bans cluster around the same few places, so a shared tree would hand
    back thousands of other people's zones near a station for every fix there.
    """

    def __init__(self, orders: Iterable[Order]) -> None:
        self._states: dict[str, _OrderState] = {}
        by_tag: dict[str, list[_OrderState]] = {}
        self._as_protected: dict[str, list[_OrderState]] = {}
        for order in orders:
            if order.order_id in self._states:
                raise ValueError(f"order {order.order_id!r} is given twice")
            state = _OrderState(
                order=order,
                valid_from=order.valid_from.astimezone(UTC),
                valid_to=order.valid_to.astimezone(UTC),
                lost_after=timedelta(minutes=order.lost_contact_minutes),
                zones={zone.zone_id: _ZoneShape(zone) for zone in order.zones},
            )
            self._states[order.order_id] = state
            by_tag.setdefault(order.tag, []).append(state)
            if order.watches_proximity:
                assert order.protected_device is not None
                self._as_protected.setdefault(order.protected_device, []).append(state)
        self._as_tag = {tag: self._index(states) for tag, states in by_tag.items()}
        self._last_seen: dict[str, datetime] = {}

    @staticmethod
    def _index(states: list[_OrderState]) -> _TagIndex:
        entries = [(state, shape) for state in states for shape in state.zones.values()]
        tree = (
            STRtree([shape.envelope for _, shape in entries])
            if len(entries) > _SCAN_LIMIT
            else None
        )
        return _TagIndex(orders=states, tree=tree, entries=entries)

    @property
    def orders(self) -> list[Order]:
        return [state.order for state in self._states.values()]

    def carry_over(self, previous: Evaluator) -> None:
        """Continue from ``previous``: for the live monitor when the orders in force change.

        Every order whose definition is unchanged keeps its state (inside/outside, near/apart,
        last fixes, battery, tamper, reported silence); a new or changed order starts as the
        contract says every order starts (outside, apart). The devices' last evaluated instants
        carry over too, so a fix older than one already evaluated still cannot rewind anything.
        """
        for order_id, state in self._states.items():
            old = previous._states.get(order_id)
            if old is None or old.order != state.order:
                continue
            state.inside = set(old.inside)
            state.near = old.near
            state.last_tag = old.last_tag
            state.last_protected = old.last_protected
            state.battery_low = old.battery_low
            state.tampered = old.tampered
            state.silence_reported_after = old.silence_reported_after
        self._last_seen.update(previous._last_seen)

    def feed(self, position: Position) -> list[Alert]:
        """Evaluate one position and return the alerts it raises, in the contract's order.

        A ``lost_contact`` alert is raised by the position that ends the silence but carries the
        earlier time (the last fix + lost_contact_minutes), so the alerts of successive calls
        are not globally in time order; the replay sorts them all at the end.
        """
        return self._feed(position, None)

    def feed_many(self, positions: Iterable[Position]) -> list[Alert]:
        """Evaluate positions in the order given, exactly as ``feed`` one by one would.

        Faster for a batch (an ingest batch, a replayed file): the coordinates are projected in
        one vectorised call rather than one call per fix. The alerts come per position, each
        position's in the contract's order.
        """
        batch = list(positions)
        projected = geo.project_many([p.lat for p in batch], [p.lon for p in batch])
        alerts: list[Alert] = []
        for position, xy in zip(batch, projected, strict=True):
            alerts.extend(self._feed(position, xy))
        return alerts

    def _feed(self, position: Position, xy: tuple[float, float] | None) -> list[Alert]:
        device_id = position.device_id
        tag_index = self._as_tag.get(device_id)
        protecting = self._as_protected.get(device_id)
        if tag_index is None and protecting is None:
            return []
        instant = position.time.astimezone(UTC)
        last_seen = self._last_seen.get(device_id)
        if last_seen is not None and instant <= last_seen:
            return []
        self._last_seen[device_id] = instant

        # A point the batch projection could not place is projected alone, which raises.
        x, y = xy if xy is not None else geo.project(position.lat, position.lon)
        fix = _Fix(instant=instant, time=position.time, x=x, y=y)
        alerts: list[Alert] = []
        # One device may be the tag of one order and the protected device of another (two
        # people under orders against each other), so both roles are evaluated.
        if tag_index is not None:
            alerts.extend(self._feed_tag(tag_index, position, fix))
        for state in protecting or ():
            if state.counts(instant):
                state.last_protected = fix
                alert = self._proximity(state, fix, state.last_tag, device_id)
                if alert is not None:
                    alerts.append(alert)
        return sort_alerts(alerts)

    def check_silence(self, now: datetime) -> list[Alert]:
        """Raise ``lost_contact`` for tags that have been silent too long, for the live monitor.

        Raises the alert a replay would raise once the late position arrives, at the same time
        (last fix + lost_contact_minutes), and marks it so that the late position, when it comes,
        does not raise it again. Silence that would end only at or after valid_to raises nothing,
        because no position after valid_to counts for the order in the replay either.

        ``now`` should trail the wall clock by the delivery delay the live monitor tolerates: a
        fix timestamped before the deadline but delivered after ``now`` passed it would otherwise
        be an alert the replay never raises.
        """
        _require_aware(now, "now")
        now_utc = now.astimezone(UTC)
        alerts: list[Alert] = []
        for state in self._states.values():
            last = state.last_tag
            if last is None or state.silence_reported_after == last.instant:
                continue
            deadline = last.instant + state.lost_after
            if now_utc > deadline and deadline < state.valid_to:
                state.silence_reported_after = last.instant
                alerts.append(self._lost_contact(state, last))
        return sort_alerts(alerts)

    def _feed_tag(self, index: _TagIndex, position: Position, fix: _Fix) -> list[Alert]:
        counting = [state for state in index.orders if state.counts(fix.instant)]
        if not counting:
            return []
        alerts = self._zone_alerts(index, counting, fix, position.device_id)
        for state in counting:
            order = state.order
            previous = state.last_tag
            if (
                previous is not None
                and fix.instant - previous.instant > state.lost_after
                and state.silence_reported_after != previous.instant
            ):
                alerts.append(self._lost_contact(state, previous))
            state.silence_reported_after = None
            state.last_tag = fix

            # An empty battery reading is unknown: it neither raises nor re-arms.
            if position.battery is not None:
                low = position.battery < order.battery_threshold
                if low and not state.battery_low:
                    alerts.append(self._alert(fix, order, AlertType.BATTERY_LOW, position))
                state.battery_low = low

            # Unlike battery, the contract compares with the previous *position's* tamper, and
            # an empty tamper is "not 1": 1, empty, 1 raises twice.
            tampered = position.tamper is True
            if tampered and not state.tampered:
                alerts.append(self._alert(fix, order, AlertType.TAMPER, position))
            state.tampered = tampered

            if order.watches_proximity:
                alert = self._proximity(state, fix, state.last_protected, position.device_id)
                if alert is not None:
                    alerts.append(alert)
        return alerts

    @staticmethod
    def _zone_alerts(
        index: _TagIndex, counting: list[_OrderState], fix: _Fix, device_id: str
    ) -> list[Alert]:
        alerts: list[Alert] = []
        # Exits first, from the zones we are inside: they are few, and an exit needs no tree.
        for state in counting:
            order = state.order
            for zone_id in sorted(state.inside):
                if state.zones[zone_id].is_beyond(fix.x, fix.y, order.buffer_m):
                    state.inside.discard(zone_id)
                    exit_ = Alert(fix.time, order.order_id, AlertType.ZONE_EXIT, zone_id, device_id)
                    alerts.append(exit_)
        # Only a zone whose envelope holds the point can contain it; the exact test follows.
        if index.tree is not None:
            candidates = [
                index.entries[entry] for entry in index.tree.query(Point(fix.x, fix.y)).tolist()
            ]
        else:
            candidates = [entry for entry in index.entries if entry[1].may_contain(fix.x, fix.y)]
        for state, shape in candidates:
            if (
                shape.zone_id not in state.inside
                and state.counts(fix.instant)
                and shape.contains(fix.x, fix.y)
            ):
                state.inside.add(shape.zone_id)
                order_id, zone_id = state.order.order_id, shape.zone_id
                alerts.append(Alert(fix.time, order_id, AlertType.ZONE_ENTER, zone_id, device_id))
        return alerts

    @staticmethod
    def _alert(fix: _Fix, order: Order, type_: AlertType, position: Position) -> Alert:
        return Alert(fix.time, order.order_id, type_, None, position.device_id)

    @staticmethod
    def _lost_contact(state: _OrderState, last: _Fix) -> Alert:
        time = _at(last.instant + state.lost_after, last.time)
        return Alert(time, state.order.order_id, AlertType.LOST_CONTACT, None, state.order.tag)

    @staticmethod
    def _proximity(
        state: _OrderState, mine: _Fix, other: _Fix | None, device_id: str
    ) -> Alert | None:
        if other is None:
            return None
        age = mine.instant - other.instant
        if age < timedelta(0) or age > PROXIMITY_MAX_AGE:
            return None
        order = state.order
        assert order.proximity_m is not None
        distance = math.hypot(mine.x - other.x, mine.y - other.y)
        if not state.near and distance <= order.proximity_m:
            state.near = True
            return Alert(mine.time, order.order_id, AlertType.PROXIMITY, None, device_id)
        if state.near and distance > order.proximity_m + order.buffer_m:
            state.near = False
            return Alert(mine.time, order.order_id, AlertType.PROXIMITY_END, None, device_id)
        return None
