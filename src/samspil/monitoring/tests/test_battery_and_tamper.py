from __future__ import annotations

from samspil.monitoring.core import Evaluator, Position
from samspil.monitoring.tests.support import TAG, fix, kinds, order

FAR = 5000.0


def run(positions: list[Position]) -> list[tuple[object, ...]]:
    evaluator = Evaluator([order()])
    return kinds(alert for position in positions for alert in evaluator.feed(position))


def readings(*batteries: float | None) -> list[Position]:
    return [fix(minute, FAR, battery=battery) for minute, battery in enumerate(batteries)]


def tampers(*values: bool | None) -> list[Position]:
    return [fix(minute, FAR, tamper=value) for minute, value in enumerate(values)]


def test_a_battery_falling_below_the_threshold_raises_once() -> None:
    assert run(readings(0.5, 0.14, 0.10, 0.12)) == [(1.0, "battery_low", None, TAG)]


def test_a_battery_back_at_the_threshold_is_armed_again() -> None:
    assert run(readings(0.10, 0.15, 0.14)) == [
        (0.0, "battery_low", None, TAG),
        (2.0, "battery_low", None, TAG),
    ]


def test_an_empty_battery_reading_is_unknown_and_changes_nothing() -> None:
    assert run(readings(None, 0.10, None, 0.10, None, 0.9, None, 0.1)) == [
        (1.0, "battery_low", None, TAG),
        (7.0, "battery_low", None, TAG),
    ]


def test_the_first_low_reading_raises() -> None:
    assert run(readings(0.0)) == [(0.0, "battery_low", None, TAG)]


def test_tamper_raises_when_the_previous_position_was_not_tampered() -> None:
    assert run(tampers(False, True, True, False, True)) == [
        (1.0, "tamper", None, TAG),
        (4.0, "tamper", None, TAG),
    ]


def test_an_empty_tamper_is_not_1_so_the_next_tamper_raises_again() -> None:
    # The contract compares with the previous *position's* tamper, unlike "previous known battery".
    assert run(tampers(True, None, True)) == [
        (0.0, "tamper", None, TAG),
        (2.0, "tamper", None, TAG),
    ]


def test_each_order_judges_the_battery_against_its_own_threshold() -> None:
    evaluator = Evaluator([order(), order(order_id="T-2026-0002", battery_threshold=0.3)])
    evaluator.feed(fix(0, FAR, battery=0.5))

    alerts = evaluator.feed(fix(1, FAR, battery=0.2))

    assert [(alert.order_id, alert.type.value) for alert in alerts] == [
        ("T-2026-0002", "battery_low")
    ]
