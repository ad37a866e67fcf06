"""The building blocks of a bundle file's schema: columns, problems, and value parsers.

Pure Python, no ORM, so every rule here is cheap to test. Messages go through gettext when the
problem is found, so they come out in the language active during the import (Danish by default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# Shown instead of a column name for a problem with a whole file (an unknown file, bad encoding).
WHOLE_FILE = "-"

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# ISO 8601 date and time: a 'T' (or a space, which RFC 3339 allows), optional seconds, fraction
# and offset. Python's fromisoformat accepts more (week dates, dates alone), so the shape is
# checked first: a date alone is not a time.
_TIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$"
)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    max_length: int | None = None


@dataclass(frozen=True, order=True)
class Problem:
    """One problem, printed as `FILE:LINE: COLUMN: message` (header = line 1)."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class ValueProblem(ValueError):
    """A field's value is malformed; the message is already translated."""


def parse_date(text: str) -> date:
    if not _DATE_RE.match(text):
        raise ValueProblem(_("not a date (YYYY-MM-DD)"))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueProblem(_("not a real date")) from None


def parse_time(text: str) -> datetime:
    """ISO 8601; a time without an offset is Europe/Copenhagen local time."""
    if not _TIME_RE.match(text):
        raise ValueProblem(_("not a time (ISO 8601, e.g. 2025-03-01T14:30)"))
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueProblem(_("not a real date and time")) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=COPENHAGEN)
    return value


def parse_float(text: str, *, minimum: float, maximum: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueProblem(_("not a number")) from None
    if not minimum <= value <= maximum:  # also false for nan
        raise ValueProblem(
            _("must be between %(min)s and %(max)s") % {"min": minimum, "max": maximum}
        )
    return value


def copenhagen_date(value: datetime) -> date:
    return value.astimezone(COPENHAGEN).date()
