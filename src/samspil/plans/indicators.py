"""Measured indicators, declared as data: a registry of indicator kinds.

An indicator of the plan is either described (a text assessed by hand) or measured: bound to one
of the kinds below with its parameters stored as JSON and validated by the kind. A kind counts
the district's incidents or cases — aggregates only, never a row or a person — for the plan's
year and for the year before, and ``assess`` (pure) says how it changed and whether it is on
target.

Whose data: the plan's municipality, or the whole district for a district plan; a parameter
``municipality_code`` narrows a district plan's indicator to one of its municipalities.
Which days: the plan's calendar year, compared with the year before. While the year is still
running, the year so far is compared with the same days of the year before, so that an
indicator does not look "on target" in March only because the year is young.

Add a kind with ``register_indicator_kind`` (a higher app may, in its ``AppConfig.ready()``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspil.cases.models import Case
from samspil.cases.workflows import CASE_TYPES
from samspil.incidents.models import Incident, IncidentCategory
from samspil.organisations.models import District, Municipality
from samspil.plans.constants import TargetDirection

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
SHARE_DECIMALS = 4
COUNT = "count"
SHARE = "share"


# --- Where and when --------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date  # inclusive

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time.min, tzinfo=COPENHAGEN)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=COPENHAGEN)


@dataclass(frozen=True)
class Place:
    district_id: int
    municipality_ids: frozenset[int]


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def periods_for(year: int, today: date) -> tuple[Period, Period]:
    """The plan's period and the one it is compared with (pure)."""
    end = date(year, 12, 31)
    if today.year == year:
        end = today
    this = Period(date(year, 1, 1), end)
    return this, Period(date(year - 1, 1, 1), _year_earlier(end))


def place_for(*, district: District, municipality: Municipality | None,
              parameters: Mapping[str, Any]) -> Place:
    code = parameters.get("municipality_code")
    if code:
        ids = frozenset(Municipality.objects.filter(code=code, district=district)
                        .values_list("pk", flat=True))
    elif municipality is not None:
        ids = frozenset({municipality.pk})
    else:
        ids = frozenset(Municipality.objects.filter(district=district)
                        .values_list("pk", flat=True))
    return Place(district.pk, ids)


# --- Parameter checks ------------------------------------------------------------------------

def _error(message: str) -> ValidationError:
    return ValidationError({"parameters": [message]})


def _only(parameters: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(parameters) - allowed)
    if unknown:
        raise _error(_("Unknown parameters: %(names)s.") % {"names": ", ".join(unknown)})


def _municipality(parameters: Mapping[str, Any], district: District,
                  municipality: Municipality | None) -> dict[str, Any]:
    code = parameters.get("municipality_code")
    if code in (None, ""):
        return {}
    if not isinstance(code, str) or not Municipality.objects.filter(
            code=code, district=district).exists():
        raise _error(_("The municipality code is not one of the police district's."))
    if municipality is not None and municipality.code != code:
        raise _error(_("A municipality's plan measures only that municipality."))
    return {"municipality_code": code}


def _case_type(parameters: Mapping[str, Any], default: str | None = None) -> str:
    code = parameters.get("case_type", default)
    if not isinstance(code, str) or code not in CASE_TYPES:
        raise _error(_("Choose a known case type."))
    return code


def _validate_incident_count(parameters: Mapping[str, Any], district: District,
                             municipality: Municipality | None) -> dict[str, Any]:
    _only(parameters, {"categories", "municipality_code"})
    categories = parameters.get("categories")
    if isinstance(categories, str):
        categories = [categories]
    if (not isinstance(categories, list) or not categories
            or not all(isinstance(c, str) for c in categories)):
        raise _error(_("Give at least one incident category."))
    codes = sorted(set(categories))
    known = set(IncidentCategory.objects.filter(code__in=codes).values_list("code", flat=True))
    missing = [code for code in codes if code not in known]
    if missing:
        raise _error(_("Unknown incident categories: %(codes)s.") % {"codes": ", ".join(missing)})
    return {"categories": codes, **_municipality(parameters, district, municipality)}


def _validate_case_count(parameters: Mapping[str, Any], district: District,
                         municipality: Municipality | None) -> dict[str, Any]:
    _only(parameters, {"case_type", "origin", "outcome", "municipality_code"})
    code = _case_type(parameters)
    definition = CASE_TYPES[code]
    cleaned: dict[str, Any] = {"case_type": code}
    origin = parameters.get("origin") or ""
    if origin:
        if origin not in definition.origins:
            raise _error(_("The case type has no such origin."))
        cleaned["origin"] = origin
    outcome = parameters.get("outcome") or ""
    if outcome:
        if outcome not in definition.outcomes:
            raise _error(_("The case type has no such outcome."))
        cleaned["outcome"] = outcome
    return {**cleaned, **_municipality(parameters, district, municipality)}


def _validate_share_within_deadline(parameters: Mapping[str, Any], district: District,
                                    municipality: Municipality | None) -> dict[str, Any]:
    _only(parameters, {"case_type", "days", "municipality_code"})
    code = _case_type(parameters, "ukn_screening")
    days = parameters.get("days", 30)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 366:
        raise _error(_("The deadline is a whole number of days from 1 to 366."))
    return {"case_type": code, "days": days, **_municipality(parameters, district, municipality)}


# --- Measures ----------------------------------------------------------------------------------

def _measure_incident_count(parameters: Mapping[str, Any], place: Place,
                            period: Period) -> float | None:
    return Incident.objects.filter(
        municipality_id__in=place.municipality_ids, category__code__in=parameters["categories"],
        occurred_on__gte=period.date_from, occurred_on__lte=period.date_to,
    ).count()


def _measure_case_count(parameters: Mapping[str, Any], place: Place,
                        period: Period) -> float | None:
    cases = Case.objects.filter(
        municipality_id__in=place.municipality_ids, case_type=parameters["case_type"],
        opened_at__gte=period.start, opened_at__lt=period.end,
    )
    if parameters.get("origin"):
        cases = cases.filter(origin=parameters["origin"])
    if parameters.get("outcome"):
        cases = cases.filter(closed_at__isnull=False, outcome=parameters["outcome"])
    return cases.count()


def _measure_share_within_deadline(parameters: Mapping[str, Any], place: Place,
                                   period: Period) -> float | None:
    """Of the cases closed in the period (whatever year they opened), the share closed at most
    `days` calendar days after they opened, counted in Copenhagen dates (as the annual report)."""
    pairs = Case.objects.filter(
        municipality_id__in=place.municipality_ids, case_type=parameters["case_type"],
        closed_at__gte=period.start, closed_at__lt=period.end,
    ).values_list("opened_at", "closed_at")
    days = parameters["days"]
    total = within = 0
    for opened_at, closed_at in pairs.iterator():
        if closed_at is None:  # excluded by the filter; for the type checker
            continue
        total += 1
        opened_on = opened_at.astimezone(COPENHAGEN).date()
        closed_on = closed_at.astimezone(COPENHAGEN).date()
        within += (closed_on - opened_on).days <= days
    return None if total == 0 else round(within / total, SHARE_DECIMALS)


# --- The registry ------------------------------------------------------------------------------

Validator = Callable[[Mapping[str, Any], District, "Municipality | None"], dict[str, Any]]
Measure = Callable[[Mapping[str, Any], Place, Period], "float | None"]


@dataclass(frozen=True)
class IndicatorKind:
    code: str
    label: str | Promise
    help_text: str | Promise
    unit: str  # COUNT or SHARE
    validate: Validator
    measure: Measure
    example: Mapping[str, Any]


INDICATOR_KINDS: dict[str, IndicatorKind] = {}


def register_indicator_kind(kind: IndicatorKind) -> None:
    if kind.unit not in (COUNT, SHARE):
        raise ValueError(f"unit must be {COUNT!r} or {SHARE!r}, not {kind.unit!r}")
    INDICATOR_KINDS[kind.code] = kind


register_indicator_kind(IndicatorKind(
    "incident_count", gettext_lazy("Number of incidents"),
    gettext_lazy('Incidents of the given categories that occurred in the year, e.g. '
                 '{"categories": ["burglary"]}.'),
    COUNT, _validate_incident_count, _measure_incident_count, {"categories": ["burglary"]},
))
register_indicator_kind(IndicatorKind(
    "case_count", gettext_lazy("Number of cases"),
    gettext_lazy('Cases of a type opened in the year, optionally by origin or outcome, e.g. '
                 '{"case_type": "social_report", "origin": "socialsoeg"}.'),
    COUNT, _validate_case_count, _measure_case_count,
    {"case_type": "social_report", "origin": "socialsoeg"},
))
register_indicator_kind(IndicatorKind(
    "case_share_within_deadline", gettext_lazy("Share of cases closed within a deadline"),
    gettext_lazy('Of the cases of a type closed in the year, the share closed within the '
                 'given number of days after opening, e.g. '
                 '{"case_type": "ukn_screening", "days": 30}.'),
    SHARE, _validate_share_within_deadline, _measure_share_within_deadline,
    {"case_type": "ukn_screening", "days": 30},
))


def kind_choices() -> list[tuple[str, str]]:
    return [(code, str(kind.label)) for code, kind in INDICATOR_KINDS.items()]


def validate_parameters(kind: str, parameters: Any, *, district: District,
                        municipality: Municipality | None) -> dict[str, Any]:
    """The cleaned parameters of a measured indicator; ValidationError when they do not fit."""
    if kind not in INDICATOR_KINDS:
        raise ValidationError({"kind": [_("Choose a known measure.")]})
    if parameters is None:
        parameters = {}
    if not isinstance(parameters, Mapping):
        raise _error(_("The parameters are a JSON object."))
    return INDICATOR_KINDS[kind].validate(parameters, district, municipality)


# --- Assessment (pure) -------------------------------------------------------------------------

@dataclass(frozen=True)
class Measurement:
    value: float | None
    comparison_value: float | None
    change: float | None  # value − comparison (for a share: in fractions, i.e. points / 100)
    relative_change: float | None  # change / comparison; None when the comparison is 0
    on_target: bool | None
    unit: str = COUNT
    period: Period | None = None
    comparison_period: Period | None = None


def assess(value: float | None, comparison: float | None, *, direction: str,
           target: float | None = None, unit: str = COUNT) -> Measurement:
    """How the value changed and whether it is on target. With a target value, the value must be
    at or below (decrease) or at or above (increase) it; without one it must have moved the
    wanted way since the comparison period."""
    change = relative = None
    if value is not None and comparison is not None:
        change = round(value - comparison, SHARE_DECIMALS)
        relative = round(change / comparison, SHARE_DECIMALS) if comparison else None
    on_target: bool | None = None
    if value is not None:
        if target is not None:
            on_target = value <= target if direction == TargetDirection.DECREASE else (
                value >= target)
        elif comparison is not None:
            on_target = value < comparison if direction == TargetDirection.DECREASE else (
                value > comparison)
    return Measurement(value, comparison, change, relative, on_target, unit)


def measure(*, kind: str, parameters: Mapping[str, Any], direction: str,
            target: float | None, district: District, municipality: Municipality | None,
            year: int, today: date) -> Measurement:
    definition = INDICATOR_KINDS[kind]
    place = place_for(district=district, municipality=municipality, parameters=parameters)
    this, previous = periods_for(year, today)

    def counted(period: Period) -> float | None:
        # A period that has not begun has nothing to count yet (a plan for a coming year).
        return None if period.date_from > today else definition.measure(parameters, place,
                                                                          period)

    value, comparison = counted(this), counted(previous)
    result = assess(value, comparison, direction=direction, target=target, unit=definition.unit)
    return Measurement(result.value, result.comparison_value, result.change,
                       result.relative_change, result.on_target, definition.unit, this,
                       previous)


# --- Display -----------------------------------------------------------------------------------

def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == SHARE:
        return f"{value * 100:.0f} %".replace(".", ",")
    return f"{value:,.0f}".replace(",", ".")


def format_change(measurement: Measurement) -> str:
    change = measurement.change
    if change is None:
        return "–"
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    if measurement.unit == SHARE:
        return f"{sign}{abs(change) * 100:.0f} " + _("points")
    text = f"{sign}{abs(change):,.0f}".replace(",", ".")
    if measurement.relative_change is not None:
        text += f" ({sign}{abs(measurement.relative_change) * 100:.0f} %)"
    return text


def indicator_measurement(indicator: Any, *, today: date) -> Measurement | None:
    """The current values of a measured indicator of a plan; None for a described one."""
    if not indicator.is_measured or indicator.kind not in INDICATOR_KINDS:
        return None
    plan = indicator.focus_area.plan
    return measure(kind=indicator.kind, parameters=indicator.parameters,
                   direction=indicator.direction, target=indicator.target_value,
                   district=plan.district, municipality=plan.municipality, year=plan.year,
                   today=today)
