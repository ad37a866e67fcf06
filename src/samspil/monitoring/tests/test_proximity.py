from __future__ import annotations

from dataclasses import replace

from samspil.monitoring.core import Evaluator, Order, Position
from samspil.monitoring.tests.support import TAG, VICTIM, at, fix, kinds, order


def watched(**overrides: object) -> Order:
    # No zones, so only proximity (and the silence of the tag) can raise anything.
    fields: dict[str, object] = {"zones": (), "protected_device": VICTIM, "proximity_m": 1000}
    fields.update(overrides)
    return order(**fields)


def victim(minutes: float, east_m: float, north_m: float = 0.0) -> Position:
    return fix(minutes, east_m, north_m, device=VICTIM)


def run(orders: list[Order], positions: list[Position]) -> list[tuple[object, ...]]:
    evaluator = Evaluator(orders)
    return kinds(alert for position in positions for alert in evaluator.feed(position))


def test_a_tag_closing_in_on_a_moving_victim_raises_proximity_then_proximity_end() -> None:
    track = [
        victim(0, 0),
        fix(1, 3000),  # 3000 m
        victim(2, 200),  # 2800 m
        fix(3, 1150),  # 950 m: near
        victim(4, 300),  # 850 m
        fix(5, 1320),  # 1020 m: in the band
        victim(6, 260),  # 1060 m > 1000 + 50: apart
        victim(7, 400),  # 920 m: near again
    ]

    assert run([watched()], track) == [
        (3.0, "proximity", None, TAG),
        (6.0, "proximity_end", None, VICTIM),
        (7.0, "proximity", None, VICTIM),
    ]


def test_the_protected_device_raises_proximity_when_it_is_the_one_that_moves() -> None:
    assert run([watched()], [fix(0, 500), victim(1, 0)]) == [(1.0, "proximity", None, VICTIM)]


def test_the_other_position_counts_up_to_five_minutes_old_and_not_after() -> None:
    assert run([watched()], [victim(0, 0), fix(5, 100)]) == [(5.0, "proximity", None, TAG)]
    assert run([watched()], [victim(0, 0), fix(5.01, 100)]) == []
    assert run([watched()], [fix(0, 100), victim(5.01, 0)]) == []


def test_a_stale_other_position_changes_nothing_while_near() -> None:
    track = [victim(0, 0), fix(1, 100), fix(7, 5000), victim(8, 0)]

    # The far fix at 7 has no victim fix within five minutes; the victim's fix at 8 sees it.
    assert run([watched()], track) == [
        (1.0, "proximity", None, TAG),
        (8.0, "proximity_end", None, VICTIM),
    ]


def test_positions_at_the_same_instant_see_each_other() -> None:
    evaluator = Evaluator([watched()])
    assert evaluator.feed(victim(0, 0)) == []

    assert kinds(evaluator.feed(fix(0, 10))) == [(0.0, "proximity", None, TAG)]


def test_a_late_position_of_the_other_device_is_not_compared_with_a_later_one() -> None:
    # The live monitor may receive the victim's fix at 3 after the tag's fix at 4; proximity
    # looks only at the other device's fix at or before the evaluated one.
    evaluator = Evaluator([watched()])
    evaluator.feed(fix(4, 100))

    assert evaluator.feed(victim(3, 0)) == []


def test_without_a_protected_device_proximity_is_not_evaluated() -> None:
    unwatched = order(zones=(), protected_device=None, proximity_m=1000)

    assert run([unwatched], [victim(0, 0), fix(1, 10)]) == []


def test_protected_device_positions_outside_the_window_do_not_count() -> None:
    window = watched(valid_from=at(2))

    assert run([window], [victim(1, 0), fix(3, 10)]) == []
    assert run([window], [victim(2, 0), fix(3, 10)]) == [(3.0, "proximity", None, TAG)]


def test_the_protected_device_raises_no_battery_tamper_or_zone_alerts() -> None:
    track = [victim(0, 0), replace(victim(1, 0), battery=0.01, tamper=True)]

    assert run([watched(zones=order().zones)], track) == []


def test_a_device_can_be_the_tag_of_one_order_and_protected_by_another() -> None:
    # Two people with restraining orders against each other.
    first = watched(order_id="A", tag="P1", protected_device="P2", zones=())
    second = watched(order_id="B", tag="P2", protected_device="P1", zones=order().zones)
    evaluator = Evaluator([first, second])
    evaluator.feed(fix(0, 2000, device="P1"))

    # P2 is evaluated as B's tag (its zone) and as A's protected device (1900 m: not near).
    alerts = evaluator.feed(fix(1, 100, device="P2"))
    assert [(alert.order_id, alert.type.value, alert.device_id) for alert in alerts] == [
        ("B", "zone_enter", "P2"),
    ]

    # P1 is A's tag and B's protected device; 800 m is near for both orders.
    alerts = evaluator.feed(fix(2, 900, device="P1"))
    assert [(alert.order_id, alert.type.value, alert.device_id) for alert in alerts] == [
        ("A", "proximity", "P1"),
        ("B", "proximity", "P1"),
    ]
