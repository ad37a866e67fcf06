"""Deadline maths for cases: calendar days, Danish working days, extensions and warnings.

Pure on purpose (no ORM, no settings): the case engine, the annual report and the nightly
reminder job must agree on what "within 30 days" means, and a pure module can be tested with
thousands of dates in milliseconds.

Two rules hold everywhere in this module:

* A moment becomes a day in Europe/Copenhagen. A case opened at 00:30 Danish time on 30 March
  was opened on 30 March, even though it is still 29 March in UTC. A naive datetime is taken to be
  Copenhagen local time already, as the interchange format says.
* "Days after" counts calendar days between those dates, and the due date itself is still in
  time: a case closed on day 30 of a 30-day deadline is within the deadline.

Which days are not working days is decided in ``is_working_day``; see ``EXTRA_CLOSED_DAYS``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

DeadlineUnit = Literal["calendar", "working"]
DEADLINE_UNITS: tuple[DeadlineUnit, ...] = ("calendar", "working")

# Days on which Danish authorities are closed although the holidays package does not list them as
# public holidays (helligdage): Grundlovsdag, juleaftensdag and nytårsaftensdag. Danish law treats
# exactly these as non-working days when a deadline ends (forældelsesloven § 27, stk. 2, and the
# same list in retsplejeloven § 148), so a working-day deadline must not land on them either.
# 1 May is deliberately absent: it is not a closing day for the police or the municipalities.
# Store Bededag is absent from 2024 because the package follows its abolition (pinned by a test).
EXTRA_CLOSED_DAYS: tuple[tuple[int, int], ...] = ((6, 5), (12, 24), (12, 31))


class DeadlineStatus(StrEnum):
    OK = "ok"
    WARNING = "warning"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class DeadlineRule:
    """How long a case of some type may stay open, and when to warn before the end.

    ``warn_at`` holds thresholds in calendar days left (what a user reads off a calendar, whatever
    the unit of the deadline). ``extension_days`` is one extension's length in the rule's unit
    (0 = the deadline cannot be extended), and ``max_total_months`` caps the whole period, all
    extensions included, counted in months from the opening date.
    """

    days: int
    unit: DeadlineUnit = "calendar"
    warn_at: tuple[int, ...] = ()
    extension_days: int = 0
    max_total_months: int | None = None

    def __post_init__(self) -> None:
        if self.days < 0:
            raise ValueError("a deadline cannot be negative")
        if self.unit not in DEADLINE_UNITS:
            raise ValueError(f"unknown deadline unit {self.unit!r}")
        if any(threshold <= 0 for threshold in self.warn_at):
            raise ValueError("warning thresholds must be positive")
        if self.extension_days < 0:
            raise ValueError("an extension cannot be negative")
        if self.max_total_months is not None and self.max_total_months <= 0:
            raise ValueError("max_total_months must be positive")
        # Largest first, duplicates dropped, so that (3, 7) and (7, 3, 7) mean the same rule and
        # compare equal.
        object.__setattr__(self, "warn_at", tuple(sorted(set(self.warn_at), reverse=True)))


def local_date(value: date | datetime) -> date:
    """The Europe/Copenhagen calendar date of a moment (a date is returned unchanged)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            # Interchange rule: a time without an offset is already Copenhagen local time.
            return value.date()
        return value.astimezone(COPENHAGEN).date()
    return value


def _require_date(value: date) -> None:
    # datetime is a subclass of date, and "utc_moment + timedelta" would silently count from the
    # UTC date. Callers with a moment must go through local_date (or due_date) first.
    if isinstance(value, datetime):
        raise TypeError("pass a date; convert a datetime with local_date() first")


@lru_cache(maxsize=256)
def _closed_days(year: int) -> frozenset[date]:
    # Building a holiday table costs a little; deadlines are computed in bulk by the report and the
    # reminder job, so one frozenset per year is kept.
    public = holidays.country_holidays("DK", years=year)
    extra = {date(year, month, day) for month, day in EXTRA_CLOSED_DAYS}
    return frozenset(public.keys()) | frozenset(extra)


def is_holiday(day: date) -> bool:
    """True on a Danish public holiday or one of ``EXTRA_CLOSED_DAYS`` (weekends aside)."""
    _require_date(day)
    return day in _closed_days(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a holiday in the sense of ``is_holiday``."""
    _require_date(day)
    return day.weekday() < 5 and day not in _closed_days(day.year)


def add_calendar_days(start: date, days: int) -> date:
    _require_date(start)
    return start + timedelta(days=days)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (before it when ``days`` is negative).

    ``start`` itself is never counted, so it may be a weekend or holiday; ``days == 0`` returns
    ``start`` unchanged.
    """
    _require_date(start)
    step = timedelta(days=1 if days >= 0 else -1)
    remaining = abs(days)
    current = start
    while remaining:
        current += step
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days stepped onto going from ``start`` to ``end``; negative going back.

    Forwards that is the working days in ``(start, end]``, backwards minus those in
    ``[end, start)``, so that it inverts ``add_working_days`` in both directions:
    ``working_days_between(s, add_working_days(s, n)) == n``.
    """
    _require_date(start)
    _require_date(end)
    step = timedelta(days=1 if end >= start else -1)
    count = 0
    current = start
    while current != end:
        current += step
        if is_working_day(current):
            count += 1
    return count if end >= start else -count


def add_months(start: date, months: int) -> date:
    """Same day-of-month ``months`` later, or that month's last day when it has no such day.

    That is how Danish law counts month periods (forældelsesloven § 27, stk. 1), so 31 August plus
    6 months is the last day of February.
    """
    _require_date(start)
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def _add(start: date, days: int, unit: DeadlineUnit) -> date:
    return add_working_days(start, days) if unit == "working" else add_calendar_days(start, days)


def due_date(rule: DeadlineRule, opened: date | datetime, extensions_days: int = 0) -> date:
    """The last day that is still in time, counted from the Copenhagen date of ``opened``.

    ``extensions_days`` is the sum of the extensions granted so far, in the rule's unit.
    """
    if extensions_days < 0:
        raise ValueError("extensions cannot be negative")
    return _add(local_date(opened), rule.days + extensions_days, rule.unit)


def period_limit(rule: DeadlineRule, opened: date | datetime) -> date | None:
    """The latest due date any number of extensions may reach, or None when uncapped."""
    if rule.max_total_months is None:
        return None
    return add_months(local_date(opened), rule.max_total_months)


def extension_allowed(
    rule: DeadlineRule,
    opened: date | datetime,
    extensions_days: int,
    extra_days: int | None = None,
) -> bool:
    """Whether one more extension (``extra_days``, default one ``rule.extension_days``) fits.

    False when the rule is not extendable at all, or when the new due date would pass the cap.
    """
    step = rule.extension_days if extra_days is None else extra_days
    if step <= 0 or rule.extension_days == 0:
        return False
    limit = period_limit(rule, opened)
    if limit is None:
        return True
    return due_date(rule, opened, extensions_days + step) <= limit


def calendar_days_between(start: date | datetime, end: date | datetime) -> int:
    """Calendar days from ``start`` to ``end`` as Copenhagen dates ("closed N days after")."""
    return (local_date(end) - local_date(start)).days


def is_within_deadline(
    rule: DeadlineRule,
    opened: date | datetime,
    closed: date | datetime,
    extensions_days: int = 0,
) -> bool:
    """Closed on or before the due date (day 30 of a 30-day rule is in time)."""
    return local_date(closed) <= due_date(rule, opened, extensions_days)


def days_left(due: date, today: date | datetime) -> int:
    """Calendar days until ``due``: 0 on the due day, negative once it has passed."""
    _require_date(due)
    return (due - local_date(today)).days


def deadline_status(
    due: date, today: date | datetime, warn_at: tuple[int, ...] = ()
) -> DeadlineStatus:
    """Overdue after the due day; a warning once at most the largest threshold is left."""
    left = days_left(due, today)
    if left < 0:
        return DeadlineStatus.OVERDUE
    if warn_at and left <= max(warn_at):
        return DeadlineStatus.WARNING
    return DeadlineStatus.OK


def warning_threshold(due: date, today: date | datetime, warn_at: tuple[int, ...]) -> int | None:
    """The tightest threshold reached so far (3 when 2 days are left of (7, 3)), else None.

    Lets a reminder job send one notice per threshold rather than one per day; None once overdue,
    because overdue is its own status.
    """
    left = days_left(due, today)
    if left < 0:
        return None
    reached = [threshold for threshold in warn_at if left <= threshold]
    return min(reached) if reached else None
