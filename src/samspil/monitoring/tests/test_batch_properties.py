"""Batch evaluation (vectorised zone tests for a whole batch) equals feeding one position at a time."""

from __future__ import annotations

import itertools
import math
from datetime import UTC

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samspil.monitoring.core import Alert, Evaluator, Order, Position
from samspil.monitoring.tests.support import CET, TAG, VICTIM, at, fix, home, order, square

OTHER = "TAG-0002"


def orders() -> list[Order]:
    """Overlapping orders that touch every rule: circles, polygons (enough for the R-tree), two
    orders on one tag with different windows, and two people under orders against each other."""
    squares = tuple(
        square(f"sq{number}", -1500 + 150 * number, -1400 + 140 * number, 260)
        for number in range(18)
    )
    return [
        order(protected_device=VICTIM, proximity_m=800),
        order(
            order_id="T-2026-0002",
            zones=(home(300), *squares),
            buffer_m=25,
            valid_from=at(30),
            valid_to=at(150),
            battery_threshold=0.3,
            lost_contact_minutes=7,
        ),
        order(
            order_id="T-2026-0003",
            tag=VICTIM,
            zones=(square("sq", -200, -200, 400),),
            protected_device=OTHER,
            proximity_m=600,
            buffer_m=0,
        ),
        order(order_id="T-2026-0004", tag=OTHER, zones=(home(900),), buffer_m=100),
    ]


def as_position(
    minute: float,
    distance: float,
    angle: float,
    device: str,
    battery: float | None,
    tamper: bool | None,
) -> Position:
    base = fix(minute, distance * math.cos(angle), distance * math.sin(angle), device=device)
    return Position(
        device_id=base.device_id,
        time=base.time,
        lat=base.lat,
        lon=base.lon,
        battery=battery,
        tamper=tamper,
    )


tracks = st.lists(
    st.builds(
        as_position,
        # Quarter minutes up to 3 hours: repeats, late fixes and long silences all happen.
        st.integers(min_value=0, max_value=720).map(lambda quarter: quarter / 4),
        st.floats(min_value=0, max_value=2500),
        st.floats(min_value=0, max_value=2 * math.pi),
        st.sampled_from([TAG, VICTIM, OTHER, "UNKNOWN-1"]),
        st.sampled_from([None, 0.1, 0.2, 0.5]),
        st.sampled_from([None, False, True]),
    ),
    max_size=80,
)


def one_by_one(positions: list[Position]) -> list[Alert]:
    evaluator = Evaluator(orders())
    return [alert for position in positions for alert in evaluator.feed(position)]


def in_batches(positions: list[Position], cuts: list[int]) -> list[Alert]:
    evaluator = Evaluator(orders())
    alerts: list[Alert] = []
    bounds = [0, *sorted(cut % (len(positions) + 1) for cut in cuts), len(positions)]
    for start, end in itertools.pairwise(bounds):
        alerts.extend(evaluator.feed_many(positions[start:end]))
    return alerts


def printable(alerts: list[Alert]) -> list[tuple[str, str, str, str | None, str]]:
    # Alert equality compares times as instants; the offset they print with must agree too.
    return [
        (alert.time.isoformat(), alert.order_id, alert.type.value, alert.zone_id, alert.device_id)
        for alert in alerts
    ]


@settings(deadline=None, max_examples=150)
@given(tracks, st.lists(st.integers(min_value=0, max_value=100), max_size=6))
def test_batches_raise_the_alerts_of_one_position_at_a_time_in_the_same_order(
    positions: list[Position], cuts: list[int]
) -> None:
    expected = one_by_one(positions)

    assert printable(in_batches(positions, cuts)) == printable(expected)


@settings(deadline=None, max_examples=60)
@given(tracks)
def test_a_whole_sorted_track_in_one_batch_matches_one_position_at_a_time(
    positions: list[Position],
) -> None:
    ordered = sorted(positions, key=Position.sort_key)

    assert printable(in_batches(ordered, [])) == printable(one_by_one(ordered))


def test_the_generated_orders_exercise_every_alert_type() -> None:
    # Without this the properties above could pass on tracks that raise nothing.
    track = [
        as_position(minute / 2, abs(1200 - 40 * minute), minute / 7, device, battery, tamper)
        for minute in range(0, 200)
        for device, battery, tamper in (
            (TAG, 0.1 if minute % 40 < 5 else 0.9, minute % 30 == 0),
            (VICTIM, None, None),
        )
        if not 60 <= minute < 100 or device == VICTIM
    ]
    kinds = {alert.type.value for alert in in_batches(track, [50, 120, 300])}

    assert kinds == {
        "zone_enter",
        "zone_exit",
        "proximity",
        "proximity_end",
        "lost_contact",
        "battery_low",
        "tamper",
    }


def test_a_position_that_cannot_be_projected_is_refused_after_the_ones_before_it() -> None:
    evaluator = Evaluator(orders())
    first = fix(0, 0)
    bad = Position(device_id=TAG, time=at(1), lat=float("nan"), lon=12.0)

    with pytest.raises(ValueError, match="cannot project"):
        evaluator.feed_many([first, bad])
    # The first was evaluated (the tag is inside now), the bad one counts as seen.
    assert evaluator.feed(fix(1, 0)) == []
    assert [alert.type.value for alert in evaluator.feed(fix(2, 3000))] == ["zone_exit"]


def test_a_time_in_utc_and_the_same_instant_with_an_offset_are_one_position() -> None:
    evaluator = Evaluator(orders())
    inside = fix(0, 0)
    in_utc = Position(
        device_id=TAG, time=inside.time.astimezone(UTC), lat=inside.lat, lon=inside.lon
    )

    assert [alert.type.value for alert in evaluator.feed_many([in_utc])] == ["zone_enter"]
    assert evaluator.feed_many([inside]) == []
    assert inside.time.tzinfo == CET
