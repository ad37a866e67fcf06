from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from samspil.monitoring.core import AlertType, Evaluator
from samspil.monitoring.tests.support import CEST, CET, TAG, at, fix, kinds, order

FAR = 5000.0  # well outside the zone, so only lost_contact can be raised


def test_a_gap_longer_than_the_limit_raises_one_alert_at_the_earlier_time_plus_the_limit() -> None:
    evaluator = Evaluator([order()])
    assert evaluator.feed(fix(0, FAR)) == []

    alerts = evaluator.feed(fix(25, FAR))

    assert kinds(alerts) == [(10.0, "lost_contact", None, TAG)]
    assert alerts[0].time.utcoffset() == timedelta(hours=1)


def test_the_alert_carries_the_offset_of_the_earlier_position() -> None:
    evaluator = Evaluator([order()])
    evaluator.feed(fix(0, FAR, time=datetime(2026, 2, 3, 21, 0, tzinfo=CET)))

    [alert] = evaluator.feed(fix(0, FAR, time=datetime(2026, 2, 3, 23, 0, tzinfo=CEST)))

    assert alert.time.isoformat() == "2026-02-03T21:10:00+01:00"


def test_a_gap_of_exactly_the_limit_raises_nothing() -> None:
    evaluator = Evaluator([order()])

    alerts = [evaluator.feed(fix(minute, FAR)) for minute in (0, 10, 20, 30.5)]

    assert [kinds(batch) for batch in alerts] == [[], [], [], [(30.0, "lost_contact", None, TAG)]]


def test_silence_before_the_first_position_raises_nothing() -> None:
    late_start = order(valid_from=at(-600))
    evaluator = Evaluator([late_start])

    assert evaluator.feed(fix(0, FAR)) == []


def test_only_positions_in_the_window_are_consecutive() -> None:
    # The fix before valid_from does not count, so the gap from it is no silence of this order.
    window = order(valid_from=at(5))
    evaluator = Evaluator([window])

    assert evaluator.feed(fix(0, FAR)) == []
    assert evaluator.feed(fix(30, FAR)) == []


def test_check_silence_raises_once_and_the_late_position_does_not_raise_it_again() -> None:
    evaluator = Evaluator([order()])
    evaluator.feed(fix(0, FAR))

    assert evaluator.check_silence(at(9)) == []
    assert evaluator.check_silence(at(10)) == []  # not *more* than ten minutes yet
    assert kinds(evaluator.check_silence(at(10.5))) == [(10.0, "lost_contact", None, TAG)]
    assert evaluator.check_silence(at(11)) == []
    assert evaluator.feed(fix(30, FAR)) == []
    # A new silence after the late position is a new alert.
    assert kinds(evaluator.check_silence(at(41))) == [(40.0, "lost_contact", None, TAG)]
    assert kinds(evaluator.feed(fix(55, FAR))) == []


def test_check_silence_and_the_replay_raise_the_same_alert() -> None:
    live = Evaluator([order()])
    replayed = Evaluator([order()])
    live.feed(fix(0, FAR))
    replayed.feed(fix(0, FAR))

    raised_live = live.check_silence(at(12)) + live.feed(fix(30, FAR))
    raised_in_replay = replayed.feed(fix(30, FAR))

    assert raised_live == raised_in_replay


def test_check_silence_ignores_silence_that_would_end_after_the_order() -> None:
    ending = order(valid_to=at(15))
    evaluator = Evaluator([ending])
    evaluator.feed(fix(6, FAR))

    # 6 + 10 = 16 is past valid_to: no later position could count, so neither does the silence.
    assert evaluator.check_silence(at(30)) == []


def test_check_silence_without_any_position_raises_nothing() -> None:
    assert Evaluator([order()]).check_silence(at(600)) == []


def test_check_silence_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        Evaluator([order()]).check_silence(datetime(2026, 2, 3, 21, 0))


def test_the_alert_time_is_computed_as_an_instant_across_a_dst_change() -> None:
    copenhagen = ZoneInfo("Europe/Copenhagen")
    evaluator = Evaluator([order(valid_from=datetime(2026, 3, 1, tzinfo=UTC))])
    # 01:55 CET on the night clocks jump from 02:00 CET to 03:00 CEST.
    evaluator.feed(fix(0, FAR, time=datetime(2026, 3, 29, 1, 55, tzinfo=copenhagen)))

    [alert] = evaluator.feed(fix(0, FAR, time=datetime(2026, 3, 29, 3, 30, tzinfo=copenhagen)))

    assert alert.type is AlertType.LOST_CONTACT
    assert alert.time.astimezone(UTC) == datetime(2026, 3, 29, 1, 5, tzinfo=UTC)
    assert alert.time.isoformat() == "2026-03-29T03:05:00+02:00"
