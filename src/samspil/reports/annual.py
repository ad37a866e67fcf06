"""The annual report's figures (interchange.md, "The annual report, as JSON": a contract).

The figures are aggregates over every record of the district, whoever owns it: they are the
published counts, not a user's view. The definitions in words are docs/report-definitions.md.

Few queries, whatever the size of the database:
1. one conditional aggregate over the district's cases of the counted types opened or closed in
   the period (``COUNT(...) FILTER (WHERE ...)``);
2. the district's UKN screenings opened or closed in the period as plain tuples — a few hundred a
   year — classified here by age, gender and deadline, so that the calendar arithmetic (Copenhagen
   dates, birthdays) is Python's and SQLite and PostgreSQL cannot disagree;
3. one aggregate over the district's incidents of the period (PSP, forced admissions) and
4. one distinct count of the persons involved in the PSP incidents.

Everything here is read-only and takes its scope as data (``Scope``): the command, the pages and
the API decide *whose* figures; this module only counts.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet

from samspil.cases.models import Case
from samspil.incidents.models import Incident, Involvement
from samspil.organisations.models import District, Municipality

SCHEMA = "samspil.annual-report/1"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# A screening is within the deadline when closed at most this many calendar days after it opened.
UKN_DEADLINE_DAYS = 30
SHARE_DECIMALS = 6

UNDER_15 = "under_15"
AGE_15_17 = "age_15_17"
AGE_GROUPS = (UNDER_15, AGE_15_17)
CRIME_CLASSES = ("personfarlig", "anden_alvorlig", "anden")
REFERRED_OUTCOMES = frozenset({"referred_ukn", "referred_prosecution", "referred_both"})
FORCED_ADMISSION_CATEGORY = "forced_admission_assist"


@dataclass(frozen=True)
class Scope:
    """Whose figures, over which days. ``municipality_ids`` are the municipalities counted (a
    district's, or one of them); ``district_codes`` decide `own_district` in by_municipality."""

    municipality_ids: frozenset[int]
    district_codes: frozenset[str]
    date_from: date
    date_to: date  # inclusive

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time.min, tzinfo=COPENHAGEN)

    @property
    def end(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=COPENHAGEN)


def district_scope(district: District, date_from: date, date_to: date,
                   municipality: Municipality | None = None) -> Scope:
    municipalities = list(Municipality.objects.filter(district=district).values_list("id", "code"))
    ids = frozenset(pk for pk, _ in municipalities)
    if municipality is not None:
        if municipality.pk not in ids:
            raise ValueError(f"{municipality.code} is not in {district.slug}")
        ids = frozenset({municipality.pk})
    return Scope(ids, frozenset(code for _, code in municipalities), date_from, date_to)


def year_scope(district: District, year: int) -> Scope:
    return district_scope(district, date(year, 1, 1), date(year, 12, 31))


def share(part: int, whole: int) -> float | None:
    """A fraction in [0, 1], or None when there is nothing to divide by."""
    return None if whole == 0 else round(part / whole, SHARE_DECIMALS)


def age_on(birth_date: date | None, day: date) -> int | None:
    """Whole years on `day`; someone born on 29 February has the birthday on 1 March in other
    years (the tuple comparison says 28 February is still before it)."""
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def local_date(moment: datetime) -> date:
    return moment.astimezone(COPENHAGEN).date()


def age_group(age: int | None) -> str | None:
    """UKN age groups: under 15 (suspected, 10–14) and 15–17 (charged). None: unknown age or a
    data error (18 or older) — counted in the total, in neither group."""
    if age is None or age >= 18:
        return None
    return UNDER_15 if age < 15 else AGE_15_17


# --- 1. cases of the counted types -----------------------------------------------------------

COUNTED_CASE_TYPES = (
    "victim_followup", "victim_support_referral", "officer_request", "restraining_order_request",
    "area_ban", "conflict_mediation", "social_report", "psp_discussion",
)  # fmt: skip


def _case_counts(scope: Scope) -> dict[str, int]:
    opened = Q(opened_at__gte=scope.start, opened_at__lt=scope.end)
    closed = Q(closed_at__gte=scope.start, closed_at__lt=scope.end)

    def of(case_type: str, when: Q, extra: Q | None = None) -> Q:
        return Q(case_type=case_type) & when & (extra or Q())

    counts: dict[str, int] = Case.objects.filter(
        municipality_id__in=scope.municipality_ids,
        case_type__in=COUNTED_CASE_TYPES,
    ).filter(opened | closed).aggregate(
        victim_followups=Count("id", filter=of("victim_followup", closed)),
        victim_support_referrals=Count("id", filter=of("victim_support_referral", opened)),
        officer_requests_received=Count("id", filter=of("officer_request", opened)),
        officer_requests_accommodated=Count("id", filter=of(
            "officer_request", opened, Q(closed_at__isnull=False, outcome="accommodated"))),
        restraining_order_requests=Count("id", filter=of("restraining_order_request", opened)),
        area_bans=Count("id", filter=of("area_ban", opened)),
        conflict_mediation_referred=Count("id", filter=of("conflict_mediation", opened)),
        conflict_mediation_mediated=Count("id", filter=of(
            "conflict_mediation", closed, Q(outcome="mediated"))),
        social_reports_total=Count("id", filter=of("social_report", opened)),
        social_reports_from_socialsoeg=Count("id", filter=of(
            "social_report", opened, Q(origin="socialsoeg"))),
        psp_selected_for_discussion=Count("person", distinct=True, filter=of(
            "psp_discussion", opened)),
    )
    return counts



# --- 2. UKN screenings -----------------------------------------------------------------------

@dataclass(frozen=True)
class UknRow:
    """One screening as the report sees it."""

    case_id: int
    person_id: int | None
    gender: str
    home_code: str
    age_group: str | None
    crime_class: str
    referred: bool
    opened_on: date
    closed_on: date | None
    opened_in_period: bool
    closed_in_period: bool

    @property
    def days_to_close(self) -> int | None:
        return None if self.closed_on is None else (self.closed_on - self.opened_on).days

    @property
    def within_deadline(self) -> bool:
        days = self.days_to_close
        return days is not None and days <= UKN_DEADLINE_DAYS


def ukn_rows(scope: Scope) -> list[UknRow]:
    """The district's screenings opened or closed in the period (one query)."""
    queryset = Case.objects.filter(
        case_type="ukn_screening", municipality_id__in=scope.municipality_ids
    ).filter(
        Q(opened_at__gte=scope.start, opened_at__lt=scope.end)
        | Q(closed_at__gte=scope.start, closed_at__lt=scope.end)
    ).values_list(
        "id", "person_id", "person__gender", "person__birth_date", "person__municipality__code",
        "incident__occurred_on", "opened_at", "closed_at", "outcome", "crime_class",
        "incident__category__crime_class",
    ).order_by("id")
    rows = []
    for (pk, person_id, gender, birth_date, home_code, occurred_on, opened_at, closed_at,
         outcome, crime_class, category_class) in queryset:
        opened_on = local_date(opened_at)
        closed_on = local_date(closed_at) if closed_at is not None else None
        # The age on the day of the offence decides the group; without an incident, the day the
        # screening opened.
        age = age_on(birth_date, occurred_on or opened_on)
        rows.append(UknRow(
            case_id=pk,
            person_id=person_id,
            gender=gender or "",
            home_code=home_code or "",
            age_group=age_group(age),
            crime_class=crime_class or category_class or "",
            referred=closed_at is not None and outcome in REFERRED_OUTCOMES,
            opened_on=opened_on,
            closed_on=closed_on,
            opened_in_period=scope.date_from <= opened_on <= scope.date_to,
            closed_in_period=closed_on is not None and scope.date_from <= closed_on <= scope.date_to,
        ))
    return rows


def _crime_class_selector(crime_class: str) -> Callable[[UknRow], bool]:
    return lambda r: r.opened_in_period and r.crime_class == crime_class


# Which screenings each UKN figure counts: the figures below and the drill-down lists both use
# these, so a list always holds exactly the records behind its number.
UKN_SELECTORS: dict[str, Callable[[UknRow], bool]] = {
    "cases": lambda r: r.opened_in_period,
    "under_15": lambda r: r.opened_in_period and r.age_group == UNDER_15,
    "age_15_17": lambda r: r.opened_in_period and r.age_group == AGE_15_17,
    "cases_boys": lambda r: r.opened_in_period and r.gender == "M",
    "cases_girls": lambda r: r.opened_in_period and r.gender == "F",
    "persons_boys": lambda r: r.opened_in_period and r.gender == "M",
    "persons_girls": lambda r: r.opened_in_period and r.gender == "F",
    "referred": lambda r: r.opened_in_period and r.referred,
    "age_unknown": lambda r: r.opened_in_period and r.age_group is None,
    **{f"by_crime_class.{c}": _crime_class_selector(c) for c in CRIME_CLASSES},
    # The within-deadline lists are the denominators: every screening the share is taken of.
    "within_deadline.10_14": lambda r: r.closed_in_period and r.age_group == UNDER_15,
    "within_deadline.15_17": lambda r: r.closed_in_period and r.age_group == AGE_15_17,
    "within_deadline.opened_in_year": lambda r: r.closed_in_period and r.opened_in_period,
}

BY_MUNICIPALITY_COLUMNS = ("cases", "personfarlig", "anden_alvorlig", "referred")


def by_municipality_selector(code: str, group: str, column: str) -> Callable[[UknRow], bool]:
    def selected(r: UknRow) -> bool:
        if not (r.opened_in_period and r.home_code == code and r.age_group == group):
            return False
        if column == "referred":
            return r.referred
        if column in CRIME_CLASSES:
            return r.crime_class == column
        return column == "cases"

    return selected


def _deadline_share(rows: Iterable[UknRow]) -> float | None:
    rows = list(rows)
    return share(sum(r.within_deadline for r in rows), len(rows))


def ukn_figures(rows: list[UknRow], scope: Scope) -> dict[str, Any]:
    def count(key: str) -> int:
        return sum(1 for r in rows if UKN_SELECTORS[key](r))

    def persons(key: str) -> int:
        return len({r.person_id for r in rows if UKN_SELECTORS[key](r) and r.person_id})

    grouped: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for r in rows:
        if not r.opened_in_period or r.age_group is None:
            continue
        counter = grouped[(r.home_code, r.age_group)]
        counter["cases"] += 1
        counter[r.crime_class] += 1
        counter["referred"] += r.referred
    by_municipality = [
        {
            "municipality_code": code,
            "own_district": code in scope.district_codes,
            "age_group": group,
            "cases": counter["cases"],
            "personfarlig": counter["personfarlig"],
            "anden_alvorlig": counter["anden_alvorlig"],
            "referred": counter["referred"],
        }
        for (code, group), counter in sorted(grouped.items())
    ]
    return {
        "cases": count("cases"),
        "under_15": count("under_15"),
        "age_15_17": count("age_15_17"),
        "age_unknown": count("age_unknown"),
        "cases_boys": count("cases_boys"),
        "cases_girls": count("cases_girls"),
        "persons_boys": persons("persons_boys"),
        "persons_girls": persons("persons_girls"),
        "by_crime_class": {c: count(f"by_crime_class.{c}") for c in CRIME_CLASSES},
        "referred": count("referred"),
        "within_deadline": {
            "10_14": _deadline_share(r for r in rows if UKN_SELECTORS["within_deadline.10_14"](r)),
            "15_17": _deadline_share(r for r in rows if UKN_SELECTORS["within_deadline.15_17"](r)),
            "opened_in_year": _deadline_share(
                r for r in rows if UKN_SELECTORS["within_deadline.opened_in_year"](r)),
        },
        "by_municipality": by_municipality,
    }


# --- 3 and 4. incidents ----------------------------------------------------------------------

def _incidents(scope: Scope) -> QuerySet[Incident]:
    return Incident.objects.filter(
        municipality_id__in=scope.municipality_ids,
        occurred_on__gte=scope.date_from,
        occurred_on__lte=scope.date_to,
    )


def psp_incidents(scope: Scope) -> QuerySet[Incident]:
    return _incidents(scope).filter(category__psp=True)


def forced_admission_incidents(scope: Scope) -> QuerySet[Incident]:
    return _incidents(scope).filter(category__code=FORCED_ADMISSION_CATEGORY)


def _psp_figures(scope: Scope) -> dict[str, int]:
    counts = _incidents(scope).aggregate(
        monitored_incidents=Count("id", filter=Q(category__psp=True)),
        forced_admission_assists=Count("id", filter=Q(category__code=FORCED_ADMISSION_CATEGORY)),
    )
    counts["monitored_persons"] = Involvement.objects.filter(
        incident__in=psp_incidents(scope)
    ).aggregate(n=Count("person_id", distinct=True))["n"]
    return counts


# --- the report ------------------------------------------------------------------------------

def figures(scope: Scope) -> dict[str, Any]:
    """Every figure of the report for a scope (no schema, district or year keys)."""
    c = _case_counts(scope)
    psp = _psp_figures(scope)
    return {
        "victim_followups": c["victim_followups"],
        "victim_support_referrals": c["victim_support_referrals"],
        "officer_requests": {
            "received": c["officer_requests_received"],
            "accommodated": c["officer_requests_accommodated"],
        },
        "restraining_order_requests": c["restraining_order_requests"],
        "area_bans": c["area_bans"],
        "conflict_mediation": {
            "referred": c["conflict_mediation_referred"],
            "mediated": c["conflict_mediation_mediated"],
        },
        "social_reports": {
            "total": c["social_reports_total"],
            "from_socialsoeg": c["social_reports_from_socialsoeg"],
            "socialsoeg_share": share(c["social_reports_from_socialsoeg"],
                                      c["social_reports_total"]),
        },
        "psp": {
            "monitored_incidents": psp["monitored_incidents"],
            "monitored_persons": psp["monitored_persons"],
            "selected_for_discussion": c["psp_selected_for_discussion"],
            "forced_admission_assists": psp["forced_admission_assists"],
        },
        "ukn_screening": ukn_figures(ukn_rows(scope), scope),
    }


def annual_report(district: District, year: int) -> dict[str, Any]:
    """The annual report of interchange.md for one district and year."""
    return {
        "schema": SCHEMA,
        "district": district.slug,
        "year": year,
        **figures(year_scope(district, year)),
    }


# --- canonical JSON --------------------------------------------------------------------------

def dumps(value: Any) -> str:
    """JSON with sorted keys, two-space indent and every float written with SHARE_DECIMALS
    decimals, so the same figures always give the same bytes (json.dumps cannot fix the
    float format)."""
    return _encode(value, 0) + "\n"


def _encode(value: Any, level: int) -> str:
    pad, inner = "  " * level, "  " * (level + 1)
    if value is None or isinstance(value, bool | int | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:.{SHARE_DECIMALS}f}"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_encode(value[k], level + 1)}"
                 for k in sorted(value)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _encode(v, level + 1) for v in value) + "\n" + pad + "]"
    raise TypeError(f"not JSON: {value!r}")


def flatten(report: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted keys for every scalar ("ukn_screening.within_deadline.10_14"); by_municipality rows
    become "ukn_screening.by_municipality.<code>.<age_group>.<column>"."""
    flat: dict[str, Any] = {}
    for key, value in report.items():
        path = f"{prefix}{key}"
        if key == "by_municipality":
            for row in value:
                base = f"{path}.{row['municipality_code']}.{row['age_group']}"
                for column in BY_MUNICIPALITY_COLUMNS:
                    flat[f"{base}.{column}"] = row[column]
        elif isinstance(value, dict):
            flat.update(flatten(value, f"{path}."))
        else:
            flat[path] = value
    return flat


# --- the records behind each figure (drill-down) ---------------------------------------------

CASE_FIGURES: dict[str, tuple[str, str, Q]] = {
    # key: (case type, "opened" | "closed", extra condition)
    "victim_followups": ("victim_followup", "closed", Q()),
    "victim_support_referrals": ("victim_support_referral", "opened", Q()),
    "officer_requests.received": ("officer_request", "opened", Q()),
    "officer_requests.accommodated": (
        "officer_request", "opened", Q(closed_at__isnull=False, outcome="accommodated")),
    "restraining_order_requests": ("restraining_order_request", "opened", Q()),
    "area_bans": ("area_ban", "opened", Q()),
    "conflict_mediation.referred": ("conflict_mediation", "opened", Q()),
    "conflict_mediation.mediated": ("conflict_mediation", "closed", Q(outcome="mediated")),
    "social_reports.total": ("social_report", "opened", Q()),
    "social_reports.from_socialsoeg": ("social_report", "opened", Q(origin="socialsoeg")),
    "psp.selected_for_discussion": ("psp_discussion", "opened", Q()),
}
INCIDENT_FIGURES: dict[str, Callable[[Scope], QuerySet[Incident]]] = {
    "psp.monitored_incidents": psp_incidents,
    # The persons are those involved in these incidents; the list shows the incidents.
    "psp.monitored_persons": psp_incidents,
    "psp.forced_admission_assists": forced_admission_incidents,
}
UKN_PREFIX = "ukn_screening."


@dataclass(frozen=True)
class Records:
    kind: str  # "case" or "incident"
    queryset: QuerySet[Any]


def records_behind(key: str, scope: Scope) -> Records | None:
    """The cases or incidents a figure counts, as an unscoped queryset (the caller narrows it
    through the access policy); None for a key that names no figure."""
    if key in CASE_FIGURES:
        case_type, when, extra = CASE_FIGURES[key]
        field = "opened_at" if when == "opened" else "closed_at"
        return Records("case", Case.objects.filter(
            extra, case_type=case_type, municipality_id__in=scope.municipality_ids,
            **{f"{field}__gte": scope.start, f"{field}__lt": scope.end},
        ))
    if key in INCIDENT_FIGURES:
        return Records("incident", INCIDENT_FIGURES[key](scope))
    if not key.startswith(UKN_PREFIX):
        return None
    name = key.removeprefix(UKN_PREFIX)
    selector = UKN_SELECTORS.get(name)
    if selector is None and name.startswith("by_municipality."):
        parts = name.split(".")
        if len(parts) == 4 and parts[2] in AGE_GROUPS and parts[3] in BY_MUNICIPALITY_COLUMNS:
            selector = by_municipality_selector(parts[1], parts[2], parts[3])
    if selector is None:
        return None
    ids = [r.case_id for r in ukn_rows(scope) if selector(r)]
    return Records("case", Case.objects.filter(pk__in=ids))
