"""The electronic-monitoring evaluation core, shared by the live monitor and the replay.

The replay contract (docs: monitoring replay format, version 1) demands that a replay gives
exactly what the live evaluation gave, so there is one evaluator and both feed it: the replay
sorts a recorded track and feeds it in batches, the live monitor feeds each ingest batch as it
arrives and calls ``check_silence`` on a clock. A batch gives exactly the alerts of its positions
fed one at a time (``Evaluator``). No Django and no ORM here.

Time is compared as instants: every datetime is normalised to UTC before it is compared or
subtracted, because Python compares two datetimes that share a tzinfo object (a ``ZoneInfo``, say)
by wall clock, which is wrong across a daylight-saving change. Alerts keep the offset of the
position that raised them, for printing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

import numpy as np

from samspil.monitoring import geo
from samspil.monitoring.zonetable import ZoneTable

if TYPE_CHECKING:
    from numpy.typing import NDArray

# Proximity compares a position with the other device's latest position only if that one is at
# most this old; an older one says nothing about where the other person is now.
PROXIMITY_MAX_AGE = timedelta(minutes=5)
_ZERO = timedelta(0)
# A tag watched through more zones than this gets an R-tree; fewer are paired with every fix of
# the tag (see zonetable).
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


class _Fix:
    """A fix as the state remembers it. Never changed once made (a plain class: one is made per
    position evaluated, and a frozen dataclass costs several times as much to build)."""

    __slots__ = ("instant", "time", "x", "y")

    def __init__(self, instant: datetime, time: datetime, x: float, y: float) -> None:
        self.instant = instant  # UTC, for comparing and subtracting
        self.time = time  # as reported, for the offset an alert is printed with
        self.x = x
        self.y = y


@dataclass(slots=True, eq=False)
class _OrderState:
    order: Order
    valid_from: datetime
    valid_to: datetime
    lost_after: timedelta
    # zone_id → the zone's number in the evaluator's ZoneTable.
    zone_entries: dict[str, int]
    # Copied from the order: read for every fix.
    battery_threshold: float
    watches_proximity: bool
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
    """Everything one tag is watched by: its orders, and its number in the ZoneTable."""

    code: int
    orders: list[_OrderState]


@dataclass(slots=True, eq=False)
class _Role:
    """What a device is to the evaluator: a tag, a protected device, or both."""

    tag: _TagIndex | None = None
    protecting: list[_OrderState] = field(default_factory=list)


def _at(instant: datetime, like: datetime) -> datetime:
    # Computed in UTC, then shown in the reporting position's zone: adding a timedelta to a
    # ZoneInfo datetime would add wall-clock time and be an hour off across a DST change.
    return instant.astimezone(like.tzinfo)


class Evaluator:
    """Turns a time-ordered stream of positions into alerts, exactly as if fed one at a time.

    Build it once from the orders in force and feed it every position in time order: the replay
    sorts its file first, the live monitor feeds positions as they arrive. State kept per order:
    inside/outside per zone, near/apart, last battery and tamper readings, and the last tag and
    protected-device fixes (for lost contact and proximity).

    A position for a device no order knows is ignored, and so is one that is not later than the
    last position fed for the same device: that is the replay's "a second row with the same device
    and time is ignored", and it keeps a resent or late fix from rewinding the state in the live
    monitor. A position of a *different* device that arrives late is still evaluated, but
    proximity only ever looks at the other device's fix when that fix is at or before it.

    Evaluation is by batch (``feed_many``; ``feed`` is a batch of one). The order-dependent state
    machine has to walk the positions one by one, but the geometry does not depend on the state,
    so it is done first for the whole batch, vectorised: one pyproj call projects every fix, and
    ``zonetable.ZoneTable`` pairs each fix with the zones of its tag whose buffered envelope holds
    it and computes both zone tests for those pairs in numpy/shapely. The walk then only looks up
    booleans; a fix with no pair is outside and beyond every zone of its tag. Zones are per tag,
    not one index over the district: a fix can only concern its own tag's zones, and area bans
    cluster around the same few places, so a shared index would hand back thousands of other
    people's zones near a station for every fix there.
    """

    def __init__(self, orders: Iterable[Order]) -> None:
        self._states: dict[str, _OrderState] = {}
        by_tag: dict[str, list[_OrderState]] = {}
        self._roles: dict[str, _Role] = {}
        # Entry number → (order state, zone_id), numbered as the ZoneTable numbers its zones.
        self._entries: list[tuple[_OrderState, str]] = []
        for order in orders:
            if order.order_id in self._states:
                raise ValueError(f"order {order.order_id!r} is given twice")
            state = _OrderState(
                order=order,
                valid_from=order.valid_from.astimezone(UTC),
                valid_to=order.valid_to.astimezone(UTC),
                lost_after=timedelta(minutes=order.lost_contact_minutes),
                zone_entries={},
                battery_threshold=order.battery_threshold,
                watches_proximity=order.watches_proximity,
            )
            self._states[order.order_id] = state
            by_tag.setdefault(order.tag, []).append(state)
            if order.watches_proximity:
                assert order.protected_device is not None
                self._roles.setdefault(order.protected_device, _Role()).protecting.append(state)
        groups: list[list[tuple[Zone, float]]] = []
        for tag, states in by_tag.items():
            self._roles.setdefault(tag, _Role()).tag = _TagIndex(code=len(groups), orders=states)
            group: list[tuple[Zone, float]] = []
            for state in states:
                for zone in state.order.zones:
                    state.zone_entries[zone.zone_id] = len(self._entries)
                    self._entries.append((state, zone.zone_id))
                    group.append((zone, state.order.buffer_m))
            groups.append(group)
        # Read at build time, so that a test can compare the R-tree with the scan.
        self._zones = ZoneTable(groups, scan_limit=_SCAN_LIMIT)
        self._last_seen: dict[str, datetime] = {}

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
        return self.feed_many((position,))

    def feed_many(self, positions: Iterable[Position]) -> list[Alert]:
        """Evaluate positions in the order given, exactly as ``feed`` one by one would.

        The alerts come per position, each position's in the contract's order. A position that
        cannot be projected raises ``ValueError`` after the positions before it were evaluated,
        as it would fed alone.
        """
        batch = positions if isinstance(positions, (list, tuple)) else list(positions)
        if not batch:
            return []
        xs, ys = geo.project_arrays([p.lat for p in batch], [p.lon for p in batch])
        finite = np.isfinite(xs) & np.isfinite(ys)
        picked, failed = self._pick(batch, finite.tolist())
        alerts = self._walk(batch, picked, xs, ys)
        if failed is not None:
            # Raises with the reason, as feeding that position alone would.
            geo.project(batch[failed].lat, batch[failed].lon)
            raise ValueError(f"cannot project position {failed} of the batch")
        return alerts

    def _pick(
        self, batch: Sequence[Position], finite: list[bool]
    ) -> tuple[list[tuple[int, datetime, _Role]], int | None]:
        """The positions to evaluate: a known device, later than that device's last one.

        Stops at the first such position that cannot be projected (returned second): the
        positions after it must not count as seen.
        """
        roles = self._roles
        last_seen = self._last_seen
        picked: list[tuple[int, datetime, _Role]] = []
        for number, position in enumerate(batch):
            role = roles.get(position.device_id)
            if role is None:
                continue
            time = position.time
            instant = time if time.tzinfo is UTC else time.astimezone(UTC)
            last = last_seen.get(position.device_id)
            if last is not None and instant <= last:
                continue
            last_seen[position.device_id] = instant
            if not finite[number]:
                return picked, number
            picked.append((number, instant, role))
        return picked, None

    def _walk(
        self,
        batch: Sequence[Position],
        picked: list[tuple[int, datetime, _Role]],
        xs: NDArray[np.float64],
        ys: NDArray[np.float64],
    ) -> list[Alert]:
        """The state machine, position by position, with the zone tests already done."""
        if not picked:
            return []
        numbers = np.fromiter((number for number, _, _ in picked), dtype=np.intp, count=len(picked))
        fx, fy = xs[numbers], ys[numbers]
        tagged = [k for k, (_, _, role) in enumerate(picked) if role.tag is not None]
        hits: dict[int, dict[int, tuple[bool, bool]]] = {}
        if tagged:
            rows = np.array(tagged, dtype=np.intp)
            codes = np.fromiter(
                (picked[k][2].tag.code for k in tagged),  # type: ignore[union-attr]
                dtype=np.intp,
                count=len(tagged),
            )
            screened = self._zones.screen(codes, fx[rows], fy[rows])
            for row, zone, inside, beyond in zip(
                screened.fix, screened.zone, screened.inside, screened.beyond, strict=True
            ):
                hits.setdefault(tagged[row], {})[zone] = (inside, beyond)
        alerts: list[Alert] = []
        feed_tag = self._feed_tag
        proximity = self._proximity
        for k, ((number, instant, role), x, y) in enumerate(
            zip(picked, fx.tolist(), fy.tolist(), strict=True)
        ):
            position = batch[number]
            fix = _Fix(instant, position.time, x, y)
            # This position's alerts are appended from here on; sorted among themselves below.
            mark = len(alerts)
            # One device may be the tag of one order and the protected device of another (two
            # people under orders against each other), so both roles are evaluated.
            if role.tag is not None:
                feed_tag(role.tag, position, fix, hits.get(k) if hits else None, alerts)
            for state in role.protecting:
                if state.valid_from <= instant < state.valid_to:
                    state.last_protected = fix
                    if state.last_tag is not None:
                        alert = proximity(state, fix, state.last_tag, position.device_id)
                        if alert is not None:
                            alerts.append(alert)
            if len(alerts) - mark > 1:
                alerts[mark:] = sorted(alerts[mark:], key=Alert.sort_key)
        return alerts

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

    def _feed_tag(
        self,
        index: _TagIndex,
        position: Position,
        fix: _Fix,
        hits: dict[int, tuple[bool, bool]] | None,
        alerts: list[Alert],
    ) -> None:
        instant = fix.instant
        counting = index.orders
        if len(counting) == 1:
            # Most tags are under one order: no new list per position.
            only = counting[0]
            if not only.valid_from <= instant < only.valid_to:
                return
        else:
            counting = [state for state in counting if state.valid_from <= instant < state.valid_to]
            if not counting:
                return
        device_id = position.device_id
        # Exits first, from the zones we are inside. A zone the screening did not pair with this
        # fix lies beyond its band.
        for state in counting:
            if state.inside:
                for zone_id in sorted(state.inside):
                    test = hits.get(state.zone_entries[zone_id]) if hits else None
                    if test is None or test[1]:
                        state.inside.discard(zone_id)
                        alerts.append(
                            Alert(
                                fix.time,
                                state.order.order_id,
                                AlertType.ZONE_EXIT,
                                zone_id,
                                device_id,
                            )
                        )
        if hits:
            for entry, (inside, _beyond) in hits.items():
                if not inside:
                    continue
                state, zone_id = self._entries[entry]
                if zone_id not in state.inside and state.counts(instant):
                    state.inside.add(zone_id)
                    alerts.append(
                        Alert(
                            fix.time, state.order.order_id, AlertType.ZONE_ENTER, zone_id, device_id
                        )
                    )
        battery = position.battery
        # Unlike battery, the contract compares with the previous *position's* tamper, and an
        # empty tamper is "not 1": 1, empty, 1 raises twice.
        tampered = position.tamper is True
        for state in counting:
            previous = state.last_tag
            if (
                previous is not None
                and instant - previous.instant > state.lost_after
                and state.silence_reported_after != previous.instant
            ):
                alerts.append(self._lost_contact(state, previous))
            state.silence_reported_after = None
            state.last_tag = fix

            # An empty battery reading is unknown: it neither raises nor re-arms.
            if battery is not None:
                low = battery < state.battery_threshold
                if low and not state.battery_low:
                    alerts.append(self._alert(fix, state.order, AlertType.BATTERY_LOW, position))
                state.battery_low = low

            if tampered and not state.tampered:
                alerts.append(self._alert(fix, state.order, AlertType.TAMPER, position))
            state.tampered = tampered

            if state.watches_proximity and state.last_protected is not None:
                alert = self._proximity(state, fix, state.last_protected, device_id)
                if alert is not None:
                    alerts.append(alert)

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
        if age < _ZERO or age > PROXIMITY_MAX_AGE:
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
