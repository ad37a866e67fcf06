"""Deadline maths across Danish holidays, leap years, DST changes and month ends.

Holiday decisions pinned here (see ``deadlines.EXTRA_CLOSED_DAYS``):

* The ``holidays`` package lists the Danish public holidays (helligdage) and, since 2024, no longer
  Store Bededag; we rely on it for those and pin the abolition below so that a package change
  shows up as a failing test.
* The package does *not* list Grundlovsdag (5 June), juleaftensdag or nytårsaftensdag as public
  holidays (only in its "optional" category, together with 1 May). Danish deadline law treats
  exactly those three as non-working days (forældelsesloven § 27, stk. 2; retsplejeloven § 148),
  and the authorities are closed, so we add them ourselves. 1 May stays a working day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samspil.cases.deadlines import (
    COPENHAGEN,
    DeadlineRule,
    DeadlineStatus,
    add_calendar_days,
    add_months,
    add_working_days,
    calendar_days_between,
    days_left,
    deadline_status,
    due_date,
    extension_allowed,
    is_holiday,
    is_within_deadline,
    is_working_day,
    local_date,
    period_limit,
    warning_threshold,
    working_days_between,
)

THIRTY_DAYS = DeadlineRule(days=30, unit="calendar", warn_at=(7, 3))
AREA_BAN_RULE = DeadlineRule(
    days=30, unit="calendar", warn_at=(7,), extension_days=30, max_total_months=6
)


class TestHolidays:
    def test_store_bededag_is_a_holiday_until_2023(self) -> None:
        assert is_holiday(date(2023, 5, 5))
        assert not is_working_day(date(2023, 5, 5))

    def test_store_bededag_is_a_working_day_from_2024(self) -> None:
        # Fourth Friday after Easter: 26 April 2024, 16 May 2025.
        assert is_working_day(date(2024, 4, 26))
        assert is_working_day(date(2025, 5, 16))
        package_names = holidays.country_holidays("DK", years=range(2024, 2030)).values()
        assert "Great Prayer Day" not in package_names

    def test_the_package_leaves_grundlovsdag_out_and_we_add_it(self) -> None:
        assert date(2025, 6, 5) not in holidays.country_holidays("DK", years=2025)
        assert not is_working_day(date(2025, 6, 5))  # a Thursday
        assert not is_working_day(date(2026, 6, 5))  # a Friday

    @pytest.mark.parametrize("day", [date(2025, 12, 24), date(2025, 12, 31), date(2026, 12, 31)])
    def test_christmas_eve_and_new_years_eve_are_closed(self, day: date) -> None:
        assert day.weekday() < 5
        assert not is_working_day(day)

    def test_first_of_may_is_a_working_day(self) -> None:
        assert is_working_day(date(2025, 5, 1))

    @pytest.mark.parametrize(
        "day",
        [
            date(2025, 4, 17),  # Skærtorsdag
            date(2025, 4, 18),  # Langfredag
            date(2025, 4, 21),  # 2. påskedag
            date(2025, 5, 29),  # Kristi himmelfartsdag
            date(2025, 6, 9),  # 2. pinsedag
            date(2026, 4, 2),
            date(2026, 4, 3),
            date(2026, 4, 6),
            date(2026, 5, 14),
            date(2026, 5, 25),
            date(2026, 1, 1),
        ],
    )
    def test_public_holidays_are_not_working_days(self, day: date) -> None:
        assert not is_working_day(day)

    def test_a_datetime_is_refused_where_a_date_is_meant(self) -> None:
        # "utc_moment + timedelta" would count from the UTC date; force local_date() first.
        with pytest.raises(TypeError):
            add_calendar_days(datetime(2025, 1, 1, tzinfo=UTC), 1)
        with pytest.raises(TypeError):
            is_working_day(datetime(2025, 1, 1, tzinfo=UTC))


class TestWorkingDays:
    def test_easter_2025_skips_thursday_to_monday(self) -> None:
        assert add_working_days(date(2025, 4, 16), 1) == date(2025, 4, 22)

    def test_easter_2026_skips_thursday_to_monday(self) -> None:
        assert add_working_days(date(2026, 4, 1), 1) == date(2026, 4, 7)

    def test_christmas_and_new_year_2025(self) -> None:
        # 24, 25, 26 Dec (Wed-Fri), weekend, 29 and 30 open, 31 Dec and 1 Jan closed, 2 Jan open.
        assert add_working_days(date(2025, 12, 23), 1) == date(2025, 12, 29)
        assert add_working_days(date(2025, 12, 23), 3) == date(2026, 1, 2)
        assert working_days_between(date(2025, 12, 23), date(2026, 1, 2)) == 3

    def test_grundlovsdag_is_skipped(self) -> None:
        assert add_working_days(date(2025, 6, 4), 1) == date(2025, 6, 6)

    def test_ten_working_days_across_easter(self) -> None:
        rule = DeadlineRule(days=10, unit="working")
        assert due_date(rule, date(2025, 4, 10)) == date(2025, 4, 29)

    def test_zero_days_is_the_start_even_on_a_sunday(self) -> None:
        assert add_working_days(date(2025, 4, 20), 0) == date(2025, 4, 20)

    def test_counting_back(self) -> None:
        assert add_working_days(date(2025, 4, 22), -1) == date(2025, 4, 16)
        assert working_days_between(date(2025, 4, 22), date(2025, 4, 16)) == -1

    def test_leap_day_2028_is_a_working_day(self) -> None:
        assert add_working_days(date(2028, 2, 28), 1) == date(2028, 2, 29)
        assert add_working_days(date(2028, 2, 25), 2) == date(2028, 2, 29)


class TestCalendarDaysAndMonths:
    @pytest.mark.parametrize(
        ("start", "days", "expected"),
        [
            (date(2025, 1, 31), 30, date(2025, 3, 2)),
            (date(2028, 1, 31), 29, date(2028, 2, 29)),
            (date(2028, 1, 31), 30, date(2028, 3, 1)),
            (date(2028, 2, 29), 1, date(2028, 3, 1)),
            (date(2027, 2, 28), 1, date(2027, 3, 1)),
            (date(2025, 12, 15), 30, date(2026, 1, 14)),
            (date(2025, 4, 30), 30, date(2025, 5, 30)),
        ],
    )
    def test_calendar_days_cross_month_and_year_ends(
        self, start: date, days: int, expected: date
    ) -> None:
        assert add_calendar_days(start, days) == expected

    def test_thirty_days_in_a_leap_february(self) -> None:
        assert due_date(THIRTY_DAYS, date(2028, 2, 15)) == date(2028, 3, 16)
        assert due_date(THIRTY_DAYS, date(2027, 2, 15)) == date(2027, 3, 17)

    @pytest.mark.parametrize(
        ("start", "months", "expected"),
        [
            (date(2025, 8, 31), 6, date(2026, 2, 28)),
            (date(2027, 8, 31), 6, date(2028, 2, 29)),
            (date(2028, 2, 29), 12, date(2029, 2, 28)),
            (date(2025, 1, 15), 6, date(2025, 7, 15)),
            (date(2025, 10, 31), 1, date(2025, 11, 30)),
            (date(2025, 12, 31), 2, date(2026, 2, 28)),
        ],
    )
    def test_month_periods_end_on_the_last_day_when_the_day_is_missing(
        self, start: date, months: int, expected: date
    ) -> None:
        assert add_months(start, months) == expected


class TestCopenhagenDates:
    def test_half_past_midnight_on_the_spring_dst_sunday_is_that_sunday(self) -> None:
        # 30 March 2025, 00:30 CET is still 29 March in UTC.
        opened = datetime(2025, 3, 29, 23, 30, tzinfo=UTC)
        assert opened.astimezone(COPENHAGEN) == datetime(2025, 3, 30, 0, 30, tzinfo=COPENHAGEN)
        assert local_date(opened) == date(2025, 3, 30)
        assert due_date(THIRTY_DAYS, opened) == date(2025, 4, 29)

    def test_half_past_midnight_on_the_autumn_dst_sunday_is_that_sunday(self) -> None:
        # 26 October 2025, 00:30 CEST is 25 October 22:30 UTC.
        opened = datetime(2025, 10, 25, 22, 30, tzinfo=UTC)
        assert local_date(opened) == date(2025, 10, 26)
        assert due_date(THIRTY_DAYS, opened) == date(2025, 11, 25)

    def test_the_repeated_hour_in_october_is_the_same_day_either_way(self) -> None:
        first = datetime(2025, 10, 26, 2, 30, tzinfo=COPENHAGEN, fold=0)
        second = datetime(2025, 10, 26, 2, 30, tzinfo=COPENHAGEN, fold=1)
        assert first.astimezone(UTC) != second.astimezone(UTC)
        assert local_date(first.astimezone(UTC)) == local_date(second.astimezone(UTC))

    def test_spring_2026_dst_sunday(self) -> None:
        opened = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
        assert local_date(opened) == date(2026, 3, 29)

    def test_a_naive_datetime_is_already_copenhagen_time(self) -> None:
        assert local_date(datetime(2025, 3, 30, 0, 30)) == date(2025, 3, 30)

    def test_new_years_night(self) -> None:
        opened = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)
        assert local_date(opened) == date(2025, 1, 1)
        assert due_date(THIRTY_DAYS, opened) == date(2025, 1, 31)


class TestWithinDeadline:
    def test_closed_on_day_thirty_is_within(self) -> None:
        opened = datetime(2025, 1, 1, 9, 0, tzinfo=COPENHAGEN)
        closed = datetime(2025, 1, 31, 23, 59, tzinfo=COPENHAGEN)
        assert calendar_days_between(opened, closed) == 30
        assert is_within_deadline(THIRTY_DAYS, opened, closed)

    def test_closed_on_day_thirty_one_is_late(self) -> None:
        opened = datetime(2025, 1, 1, 9, 0, tzinfo=COPENHAGEN)
        closed = datetime(2025, 2, 1, 0, 1, tzinfo=COPENHAGEN)
        assert calendar_days_between(opened, closed) == 31
        assert not is_within_deadline(THIRTY_DAYS, opened, closed)

    def test_days_are_counted_between_copenhagen_dates_not_utc_dates(self) -> None:
        # Opened 00:30 local on 30 March (29 March UTC), closed 23:30 local on 29 April.
        opened = datetime(2025, 3, 29, 23, 30, tzinfo=UTC)
        closed = datetime(2025, 4, 29, 21, 30, tzinfo=UTC)
        assert calendar_days_between(opened, closed) == 30
        assert is_within_deadline(THIRTY_DAYS, opened, closed)

    def test_extensions_move_the_due_date(self) -> None:
        assert due_date(AREA_BAN_RULE, date(2025, 1, 1), extensions_days=30) == date(2025, 3, 2)
        with pytest.raises(ValueError):
            due_date(AREA_BAN_RULE, date(2025, 1, 1), extensions_days=-1)


class TestStatus:
    due = date(2025, 6, 30)

    @pytest.mark.parametrize(
        ("today", "status", "threshold"),
        [
            (date(2025, 6, 22), DeadlineStatus.OK, None),
            (date(2025, 6, 23), DeadlineStatus.WARNING, 7),
            (date(2025, 6, 26), DeadlineStatus.WARNING, 7),
            (date(2025, 6, 27), DeadlineStatus.WARNING, 3),
            (date(2025, 6, 30), DeadlineStatus.WARNING, 3),
            (date(2025, 7, 1), DeadlineStatus.OVERDUE, None),
        ],
    )
    def test_status_and_threshold(
        self, today: date, status: DeadlineStatus, threshold: int | None
    ) -> None:
        assert deadline_status(self.due, today, (7, 3)) == status
        assert warning_threshold(self.due, today, (7, 3)) == threshold

    def test_without_thresholds_it_is_ok_until_overdue(self) -> None:
        assert deadline_status(self.due, self.due) == DeadlineStatus.OK
        assert deadline_status(self.due, self.due + timedelta(days=1)) == DeadlineStatus.OVERDUE

    def test_today_as_a_utc_moment_is_read_in_copenhagen(self) -> None:
        # 30 June 22:30 UTC is already 1 July in Copenhagen.
        late_evening = datetime(2025, 6, 30, 22, 30, tzinfo=UTC)
        assert days_left(self.due, late_evening) == -1
        assert deadline_status(self.due, late_evening, (7, 3)) == DeadlineStatus.OVERDUE

    def test_status_values_are_the_stored_codes(self) -> None:
        assert [s.value for s in DeadlineStatus] == ["ok", "warning", "overdue"]


class TestRule:
    def test_warning_thresholds_are_normalised(self) -> None:
        assert DeadlineRule(30, warn_at=(3, 7, 7)) == DeadlineRule(30, warn_at=(7, 3))
        assert DeadlineRule(30, warn_at=(3, 7)).warn_at == (7, 3)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"days": -1},
            {"days": 30, "unit": "weeks"},
            {"days": 30, "warn_at": (0,)},
            {"days": 30, "extension_days": -30},
            {"days": 30, "max_total_months": 0},
        ],
    )
    def test_nonsense_rules_are_refused(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(ValueError):
            DeadlineRule(**kwargs)  # type: ignore[arg-type]


class TestExtensions:
    def test_an_area_ban_can_be_extended_five_times_within_six_months(self) -> None:
        opened = date(2025, 1, 1)
        assert period_limit(AREA_BAN_RULE, opened) == date(2025, 7, 1)
        assert extension_allowed(AREA_BAN_RULE, opened, 120)
        assert due_date(AREA_BAN_RULE, opened, 150) == date(2025, 6, 30)
        assert not extension_allowed(AREA_BAN_RULE, opened, 150)

    def test_a_rule_without_extensions_cannot_be_extended(self) -> None:
        assert not extension_allowed(THIRTY_DAYS, date(2025, 1, 1), 0)

    def test_an_uncapped_rule_can_always_be_extended(self) -> None:
        rule = DeadlineRule(30, extension_days=30)
        assert period_limit(rule, date(2025, 1, 1)) is None
        assert extension_allowed(rule, date(2025, 1, 1), 3000)

    @given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
    def test_five_extensions_fit_whatever_the_opening_date(self, opened: date) -> None:
        extensions = 0
        while extension_allowed(AREA_BAN_RULE, opened, extensions):
            extensions += AREA_BAN_RULE.extension_days
        assert extensions == 150
        limit = period_limit(AREA_BAN_RULE, opened)
        assert limit is not None
        assert due_date(AREA_BAN_RULE, opened, extensions) <= limit


DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


class TestWorkingDayProperties:
    @settings(max_examples=300, deadline=None)
    @given(DATES, st.integers(min_value=1, max_value=400))
    def test_it_never_lands_on_a_weekend_or_holiday(self, start: date, days: int) -> None:
        result = add_working_days(start, days)
        assert result.weekday() < 5
        assert not is_holiday(result)
        assert result > start

    @settings(max_examples=200, deadline=None)
    @given(DATES, st.integers(min_value=-400, max_value=-1))
    def test_counting_back_never_lands_on_a_closed_day(self, start: date, days: int) -> None:
        result = add_working_days(start, days)
        assert is_working_day(result)
        assert result < start

    @settings(max_examples=200, deadline=None)
    @given(DATES, st.integers(min_value=0, max_value=200))
    def test_it_is_strictly_monotonic_in_days(self, start: date, days: int) -> None:
        assert add_working_days(start, days) < add_working_days(start, days + 1)

    @settings(max_examples=200, deadline=None)
    @given(DATES, DATES, st.integers(min_value=0, max_value=200))
    def test_it_is_monotonic_in_the_start(self, first: date, second: date, days: int) -> None:
        early, late = sorted((first, second))
        assert add_working_days(early, days) <= add_working_days(late, days)

    @settings(max_examples=200, deadline=None)
    @given(DATES, st.integers(min_value=-300, max_value=300))
    def test_working_days_between_inverts_adding(self, start: date, days: int) -> None:
        assert working_days_between(start, add_working_days(start, days)) == days

    @settings(max_examples=200, deadline=None)
    @given(DATES, st.integers(min_value=0, max_value=200))
    def test_calendar_days_never_fall_short_of_working_days(self, start: date, days: int) -> None:
        assert add_working_days(start, days) >= add_calendar_days(start, days)

    @settings(max_examples=200, deadline=None)
    @given(
        st.datetimes(
            min_value=datetime(2000, 1, 1),
            max_value=datetime(2060, 12, 31),
            timezones=st.just(UTC),
        )
    )
    def test_local_date_is_the_copenhagen_wall_clock_date(self, moment: datetime) -> None:
        assert local_date(moment) == moment.astimezone(COPENHAGEN).date()
        assert abs(local_date(moment) - moment.date()) <= timedelta(days=1)
