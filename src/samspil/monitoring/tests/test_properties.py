"""Properties of the evaluator over generated tracks."""

from __future__ import annotations

import math
import random
from datetime import timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from samspil.monitoring.core import Alert, Evaluator, Position
from samspil.monitoring.replay import replay
from samspil.monitoring.tests.support import TAG, VICTIM, fix, order

RADIUS = 500.0
BUFFER = 50.0
# Round trips through WGS84 move a point by nanometres; keep generated points clear of the edges.
MARGIN = 0.001

angles = st.floats(min_value=0, max_value=2 * math.pi)


def polar_fix(minute: int, distance: float, angle: float, device: str = TAG) -> Position:
    return fix(minute, distance * math.cos(angle), distance * math.sin(angle), device=device)


def feed_all(positions: list[Position]) -> list[Alert]:
    evaluator = Evaluator([order(protected_device=VICTIM, proximity_m=1000)])
    return [alert for position in positions for alert in evaluator.feed(position)]


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(min_value=0, max_value=RADIUS + BUFFER - MARGIN), angles),
        min_size=1,
        max_size=40,
    )
)
def test_a_track_within_the_band_enters_at_most_once_and_never_exits(
    track: list[tuple[float, float]],
) -> None:
    positions = [
        polar_fix(minute, distance, angle) for minute, (distance, angle) in enumerate(track)
    ]

    types = [alert.type.value for alert in feed_all(positions)]

    assert types.count("zone_enter") <= 1
    assert "zone_exit" not in types
    assert types.count("zone_enter") == (min(distance for distance, _ in track) <= RADIUS)


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(min_value=0, max_value=2000), angles, st.sampled_from([TAG, VICTIM])),
        max_size=40,
    )
)
def test_zone_and_proximity_alerts_alternate_starting_with_the_way_in(
    track: list[tuple[float, float, str]],
) -> None:
    positions = [
        polar_fix(minute, distance, angle, device)
        for minute, (distance, angle, device) in enumerate(track)
    ]

    types = [alert.type.value for alert in feed_all(positions)]

    zone = [kind for kind in types if kind.startswith("zone_")]
    assert zone == ["zone_enter", "zone_exit"] * (len(zone) // 2) + ["zone_enter"] * (len(zone) % 2)
    near = [kind for kind in types if kind.startswith("proximity")]
    assert near == ["proximity", "proximity_end"] * (len(near) // 2) + ["proximity"] * (
        len(near) % 2
    )


offsets = st.sampled_from([timezone(timedelta(hours=hours)) for hours in (-5, 0, 1, 2, 9)])


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=120),
            st.floats(min_value=0, max_value=2000),
            angles,
            st.sampled_from([TAG, VICTIM]),
            offsets,
            st.sampled_from([None, 0.1, 0.5]),
            st.sampled_from([None, False, True]),
        ),
        max_size=40,
        unique_by=lambda item: (item[0], item[3]),
    ),
    st.randoms(use_true_random=False),
)
def test_replay_depends_neither_on_row_order_nor_on_offsets(
    rows: list[tuple[int, float, float, str, timezone, float | None, bool | None]],
    shuffler: random.Random,
) -> None:
    positions = [
        fix(minute, distance * math.cos(angle), distance * math.sin(angle), device=device)
        for minute, distance, angle, device, _, _, _ in rows
    ]
    positions = [
        Position(
            device_id=position.device_id,
            time=position.time,
            lat=position.lat,
            lon=position.lon,
            battery=battery,
            tamper=tamper,
        )
        for position, (_, _, _, _, _, battery, tamper) in zip(positions, rows, strict=True)
    ]
    elsewhere = [
        Position(
            device_id=position.device_id,
            time=position.time.astimezone(offset),
            lat=position.lat,
            lon=position.lon,
            battery=position.battery,
            tamper=position.tamper,
        )
        for position, (_, _, _, _, offset, _, _) in zip(positions, rows, strict=True)
    ]
    shuffler.shuffle(elsewhere)
    orders = [order(protected_device=VICTIM, proximity_m=1000)]

    # Alert equality compares times as instants, so only the printed offsets may differ.
    assert replay(orders, elsewhere) == replay(orders, sorted(positions, key=Position.sort_key))
