from __future__ import annotations

from datetime import datetime

from samspil.monitoring.core import Evaluator, Order, Position
from samspil.monitoring.tests.support import CEST, CET, TAG, fix, home, kinds, order, square


def run(orders: list[Order], positions: list[Position]) -> list[tuple[object, ...]]:
    evaluator = Evaluator(orders)
    return kinds(alert for position in positions for alert in evaluator.feed(position))


def test_it_enters_when_the_tag_comes_within_the_radius() -> None:
    track = [fix(0, 1000), fix(1, 600), fix(2, 499.9), fix(3, 100)]

    assert run([order()], track) == [(2.0, "zone_enter", "home", TAG)]


def test_the_first_position_inside_enters_because_every_zone_starts_outside() -> None:
    assert run([order()], [fix(0, 0)]) == [(0.0, "zone_enter", "home", TAG)]


def test_a_tag_skirting_the_boundary_inside_the_band_does_not_flap() -> None:
    track = [fix(0, 400), fix(1, 520), fix(2, 499), fix(3, 549.99), fix(4, 0, 501), fix(5, -545)]

    assert run([order()], track) == [(0.0, "zone_enter", "home", TAG)]


def test_it_exits_only_beyond_radius_plus_buffer() -> None:
    track = [fix(0, 400), fix(1, 549.99), fix(2, 0, -550.01), fix(3, 520), fix(4, 499)]

    assert run([order()], track) == [
        (0.0, "zone_enter", "home", TAG),
        (2.0, "zone_exit", "home", TAG),
        (4.0, "zone_enter", "home", TAG),
    ]


def test_coming_from_outside_into_the_band_does_not_enter() -> None:
    assert run([order()], [fix(0, 700), fix(1, 530), fix(2, 549)]) == []


def test_a_jump_straight_across_the_zone_raises_nothing() -> None:
    # Only positions count, not the line between them: with no fix inside there is no enter.
    assert run([order()], [fix(0, -800), fix(1, 800)]) == []


def test_a_zero_buffer_exits_just_past_the_radius() -> None:
    track = [fix(0, 499), fix(1, 500.01)]

    assert run([order(buffer_m=0)], track) == [
        (0.0, "zone_enter", "home", TAG),
        (1.0, "zone_exit", "home", TAG),
    ]


def test_a_polygon_is_entered_inside_and_left_more_than_the_buffer_from_its_boundary() -> None:
    centre = order(zones=(square("centre", 100, 100, 200),))
    track = [
        fix(0, 50, 200),  # 50 m west of the square
        fix(1, 200, 200),
        fix(2, 349, 200),  # 49 m east of the east edge: in the band
        fix(3, 330, 330),  # 42.4 m from the north-east corner: in the band
        fix(4, 340, 340),  # 56.6 m from the corner, though within 50 m of both edge lines
        fix(5, 101, 101),
    ]

    assert run([centre], track) == [
        (1.0, "zone_enter", "centre", TAG),
        (4.0, "zone_exit", "centre", TAG),
        (5.0, "zone_enter", "centre", TAG),
    ]


def test_a_polygon_boundary_counts_as_inside() -> None:
    centre = order(zones=(square("centre", 0, 0, 200),))

    assert run([centre], [fix(0, 200, 100)]) == [(0.0, "zone_enter", "centre", TAG)]


def test_each_zone_and_each_order_keeps_its_own_state() -> None:
    restraining = order(zones=(home(), square("work", 1000, 0, 100)))
    area_ban = order(order_id="A-2026-0002", kind="area_ban", zones=(home(200),), buffer_m=10)
    track = [fix(0, 300), fix(1, 150), fix(2, 250), fix(3, 1050, 50), fix(4, 300)]
    evaluator = Evaluator([restraining, area_ban])

    alerts = [alert for position in track for alert in evaluator.feed(position)]

    assert [(alert.order_id, *view) for alert, view in zip(alerts, kinds(alerts), strict=True)] == [
        ("T-2026-0001", 0.0, "zone_enter", "home", TAG),
        ("A-2026-0002", 1.0, "zone_enter", "home", TAG),
        ("A-2026-0002", 2.0, "zone_exit", "home", TAG),  # 250 > 200 + 10
        # The contract's order within one instant: order_id, then type, then zone_id.
        ("T-2026-0001", 3.0, "zone_enter", "work", TAG),
        ("T-2026-0001", 3.0, "zone_exit", "home", TAG),
        ("T-2026-0001", 4.0, "zone_enter", "home", TAG),
        ("T-2026-0001", 4.0, "zone_exit", "work", TAG),
    ]


def test_only_positions_inside_the_validity_window_count() -> None:
    window = order(
        valid_from=datetime(2026, 2, 3, 21, 5, tzinfo=CET),
        valid_to=datetime(2026, 2, 3, 22, 10, tzinfo=CEST),  # 21:10 CET
    )
    track = [
        fix(0, 0),  # before valid_from: no enter
        fix(5, 0),  # at valid_from: counts
        fix(7, 900),
        fix(10, 0),  # at valid_to: excluded
        fix(11, 900),
    ]

    assert run([window], track) == [
        (5.0, "zone_enter", "home", TAG),
        (7.0, "zone_exit", "home", TAG),
    ]


def test_positions_of_unknown_devices_are_ignored() -> None:
    assert run([order()], [fix(0, 0, device="TAG-9999")]) == []


def test_a_repeated_or_older_position_of_the_same_device_is_ignored() -> None:
    evaluator = Evaluator([order()])
    assert kinds(evaluator.feed(fix(1, 0))) == [(1.0, "zone_enter", "home", TAG)]

    assert evaluator.feed(fix(1, 900)) == []
    assert evaluator.feed(fix(0, 900)) == []
    assert kinds(evaluator.feed(fix(2, 900))) == [(2.0, "zone_exit", "home", TAG)]


def test_an_order_without_zones_raises_no_zone_alerts() -> None:
    assert run([order(zones=())], [fix(0, 0), fix(1, 10)]) == []
