"""Restraining orders (tilhold), their breaches and the stalking flag; area bans (opholdsforbud).

A granted request records the order: its period (at most five years), the protected and the
restrained person, and its conditions. A breach is an incident of category
``restraining_order_breach`` with the restrained person as suspect, linked to the order's case.
Two or more breaches within twelve months flag possible stalking (straffeloven § 242): the rule
is ``stalking_rule_met``, the one place it is decided.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.constants import Purpose
from samspil.audit.constants import Action
from samspil.audit.services import audit_record, changes_between, snapshot
from samspil.cases.models import Case, CaseParticipant, ParticipantRole
from samspil.cases.services import (
    CaseError,
    CaseRefused,
    _require_readable,
    case_extend,
    case_open,
    case_transition,
)
from samspil.cases.types.common import clean_text, locked, require_type, require_worker
from samspil.cases.types.models import AreaBanArea, CaseIncidentLink, LinkKind, RestrainingOrder

WORKERS = frozenset({"prevention_officer", "caseworker"})
POLICE = frozenset({"prevention_officer"})
MAX_ORDER_YEARS = 5
BREACH_CATEGORY = "restraining_order_breach"
STALKING_BREACH_COUNT = 2
STALKING_WINDOW = timedelta(days=365)
AREA_BAN_MIN_RADIUS_M = 500
AREA_BAN_MAX_RADIUS_M = 1000
# Denmark's bounding box in WGS84 (as incidents.services), Bornholm included.
LAT_RANGE = (54.45, 57.80)
LON_RANGE = (7.95, 15.25)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


# --- Restraining orders ------------------------------------------------------------------------


def _check_period(starts_on: date, ends_on: date) -> None:
    if starts_on is None or ends_on is None:
        raise CaseError(_("Give the start and end of the order."), field="ends_on")
    if ends_on < starts_on:
        raise CaseError(_("The order cannot end before it starts."), code="invalid_period",
                        field="ends_on")
    if ends_on > add_years(starts_on, MAX_ORDER_YEARS):
        raise CaseError(_("A restraining order lasts at most 5 years from its start."),
                        code="too_long", field="ends_on")


@transaction.atomic
def restraining_order_grant(
    *,
    actor: Any,
    case: Case,
    starts_on: date,
    ends_on: date,
    restrained_person: Any,
    protected_person: Any | None = None,
    conditions: str = "",
    order_kind: str = "tilhold",
) -> RestrainingOrder:
    """Decide the request as granted (if not yet decided) and record the order it grants."""
    require_type(case, "restraining_order_request")
    current = locked(case)
    require_worker(actor, current, WORKERS)
    protected = protected_person or current.person
    if restrained_person is None:
        raise CaseError(_("Choose the restrained person."), field="restrained_person")
    if protected is not None and restrained_person.pk == protected.pk:
        raise CaseError(_("The restrained person cannot be the protected person."),
                        field="restrained_person")
    _require_readable(actor, restrained_person, None)
    if protected is not None:
        _require_readable(actor, protected, None)
    _check_period(starts_on, ends_on)
    text = clean_text(conditions, limit=4000, label=_("Conditions"), field="conditions")
    if RestrainingOrder.objects.filter(case=current).exists():
        raise CaseError(_("The order has already been recorded."), code="already_recorded")
    if current.state == "visitation":
        current = case_transition(actor=actor, case=current, action="decide", outcome="granted",
                                  fields={"order_kind": order_kind})
    elif not (current.state == "decided" and current.outcome == "granted"):
        raise CaseError(_("An order can be recorded only when the request is granted."),
                        code="not_granted")
    order = RestrainingOrder.objects.create(
        case=current, starts_on=starts_on, ends_on=ends_on, conditions=text, recorded_by=actor
    )
    for person, role in ((protected, ParticipantRole.PROTECTED),
                         (restrained_person, ParticipantRole.RESTRAINED)):
        if person is not None:
            CaseParticipant.objects.get_or_create(case=current, person=person, role=role)
    audit_record(actor=actor, action=Action.CREATE, obj=order, purpose=Purpose.CASEWORK,
                 changes={**changes_between(None, snapshot(order, ("case_id", "starts_on",
                                                                   "ends_on", "conditions"))),
                          "restrained_person_id": [None, restrained_person.pk],
                          "protected_person_id": [None, getattr(protected, "pk", None)]})
    return order


def restrained_person(case: Case) -> Any | None:
    participant = (
        CaseParticipant.objects.select_related("person")
        .filter(case=case, role=ParticipantRole.RESTRAINED).first()
    )
    return participant.person if participant else None


def protected_person(case: Case) -> Any | None:
    participant = (
        CaseParticipant.objects.select_related("person")
        .filter(case=case, role=ParticipantRole.PROTECTED).first()
    )
    return participant.person if participant else None


@transaction.atomic
def order_breach_register(
    *, actor: Any, case: Case, occurred_at: datetime, narrative: str = "",
    journal_no: str = "",
) -> Any:
    """Register a breach of the case's order as an incident and link it to the case.

    The restrained person is the suspect (the protected person, if any, the victim); the incident
    goes through ``incident_register``, so the automatic incident rules run as for any other.
    """
    from samspil.incidents.services import incident_register

    require_type(case, "restraining_order_request")
    current = locked(case)
    require_worker(actor, current, POLICE)
    order = RestrainingOrder.objects.filter(case=current).first()
    if order is None:
        raise CaseError(_("Record the granted order before registering a breach."),
                        code="no_order")
    if occurred_at is None or timezone.is_naive(occurred_at):
        raise CaseError(_("Give the time of the breach."), field="occurred_at")
    day = timezone.localdate(occurred_at)
    if not order.starts_on <= day <= order.ends_on:
        raise CaseError(_("The breach must lie within the order's period."),
                        code="outside_period", field="occurred_at")
    restrained = restrained_person(current)
    if restrained is None:
        raise CaseError(_("The order has no restrained person."), code="no_person")
    protected = protected_person(current)
    involvements = [(restrained, "suspect")]
    if protected is not None:
        involvements.append((protected, "victim"))
    number = CaseIncidentLink.objects.filter(case=current, kind=LinkKind.BREACH).count() + 1
    incident = incident_register(
        actor=actor,
        journal_no=(journal_no or "").strip() or f"{current.case_ref}-B{number:02d}",
        occurred_at=occurred_at,
        category=BREACH_CATEGORY,
        municipality=current.municipality,
        narrative=clean_text(narrative, limit=10_000, label=_("Narrative"), field="narrative"),
        involvements=involvements,
        is_synthetic=current.is_synthetic,
        confidentiality=current.confidentiality,
    )
    link = CaseIncidentLink.objects.create(case=current, incident=incident, kind=LinkKind.BREACH)
    audit_record(actor=actor, action=Action.CREATE, obj=link, purpose=Purpose.CASEWORK,
                 changes=changes_between(None, snapshot(link, ("case_id", "incident_id",
                                                               "kind"))))
    return incident


def stalking_rule_met(breach_times: Iterable[datetime], *, now: datetime | None = None) -> bool:
    """The one stalking rule: ``STALKING_BREACH_COUNT`` breaches within ``STALKING_WINDOW``.

    A prompt for the officer to consider straffeloven § 242, not a finding.
    """
    since = (now or timezone.now()) - STALKING_WINDOW
    return sum(1 for at in breach_times if at >= since) >= STALKING_BREACH_COUNT


def breach_times(case: Case) -> list[datetime]:
    return list(
        CaseIncidentLink.objects.filter(case=case, kind=LinkKind.BREACH)
        .values_list("incident__occurred_at", flat=True)
    )


def stalking_suspected(*, case: Case, now: datetime | None = None) -> bool:
    return stalking_rule_met(breach_times(case), now=now)


def stalking_case_ids(case_ids: Sequence[int], *, now: datetime | None = None) -> set[int]:
    """Which of these cases meet the stalking rule, in one query (for a queue page)."""
    if not case_ids:
        return set()
    since = (now or timezone.now()) - STALKING_WINDOW
    rows = (
        CaseIncidentLink.objects.filter(case_id__in=list(case_ids), kind=LinkKind.BREACH)
        .values("case_id")
        .annotate(n=Count("pk", filter=Q(incident__occurred_at__gte=since)))
        .filter(n__gte=STALKING_BREACH_COUNT)
    )
    return {row["case_id"] for row in rows}


# --- Area bans ----------------------------------------------------------------------------------


def _inside_denmark(lat: float, lon: float) -> bool:
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]


def area_from_ring(ring: Sequence[Sequence[float]]) -> tuple[float, float, int]:
    """Check a drawn GeoJSON ring ([lon, lat] positions) and return (lat, lon, radius_m) of the
    smallest circle around its centroid that holds it, which must be at most 1,000 m.

    Measured in EPSG:25832 metres, as the rest of the platform measures.
    """
    import shapely
    from pyproj import Transformer
    from shapely.geometry import Point, Polygon

    try:
        positions = [(float(p[0]), float(p[1])) for p in ring]
    except (TypeError, ValueError, IndexError):
        raise CaseError(_("The drawn area is not a list of positions."), field="ring") from None
    if len(positions) < 4 or positions[0] != positions[-1]:
        raise CaseError(_("The drawn area must be closed: at least four positions, the first "
                          "repeated last."), code="invalid_area", field="ring")
    if not all(_inside_denmark(lat, lon) for lon, lat in positions):
        raise CaseError(_("The drawn area must lie in Denmark."), code="invalid_area",
                        field="ring")
    to_metres = Transformer.from_crs(4326, 25832, always_xy=True)
    xs, ys = to_metres.transform([p[0] for p in positions], [p[1] for p in positions])
    polygon = Polygon(zip(xs, ys, strict=True))
    if not polygon.is_valid or polygon.area <= 0:
        raise CaseError(
            _("The drawn area is not a valid area (%(reason)s).")
            % {"reason": shapely.is_valid_reason(polygon)},
            code="invalid_area", field="ring",
        )
    centre = polygon.centroid
    radius = math.ceil(max(centre.distance(Point(x, y)) for x, y in zip(xs, ys, strict=True)))
    if radius > AREA_BAN_MAX_RADIUS_M:
        raise CaseError(_("The drawn area must fit within 1,000 m of its centre."),
                        code="invalid_area", field="ring")
    lon, lat = Transformer.from_crs(25832, 4326, always_xy=True).transform(centre.x, centre.y)
    return float(lat), float(lon), max(1, radius)


@transaction.atomic
def area_ban_open(
    *,
    actor: Any,
    municipality: Any,
    person: Any,
    justification: str,
    plagued_confirmed: bool,
    lat: float | None = None,
    lon: float | None = None,
    radius_m: int | None = None,
    ring: Sequence[Sequence[float]] | None = None,
    area_name: str = "",
    incident: Any | None = None,
) -> Case:
    """Issue an area ban for 30 days around a point (500–1,000 m) or in a drawn area."""
    if not plagued_confirmed:
        raise CaseError(_("Confirm that the area is generally plagued by insecurity."),
                        code="confirmation_required", field="plagued_confirmed")
    text = clean_text(justification, limit=4000, label=_("Justification"), required=True,
                      field="justification")
    if ring:
        lat, lon, radius = area_from_ring(ring)
        stored_ring = [[float(p[0]), float(p[1])] for p in ring]
    else:
        if lat is None or lon is None or not _inside_denmark(float(lat), float(lon)):
            raise CaseError(_("Give a point in Denmark."), code="invalid_area", field="lat")
        if radius_m is None or not AREA_BAN_MIN_RADIUS_M <= int(radius_m) <= (
            AREA_BAN_MAX_RADIUS_M
        ):
            raise CaseError(_("The radius must be between 500 and 1,000 metres."),
                            code="invalid_radius", field="radius_m")
        radius = int(radius_m)
        stored_ring = []
    name = clean_text(area_name, limit=200, label=_("Area"), field="area") or (
        f"{float(lat):.5f}, {float(lon):.5f}"
    )
    case = case_open(
        actor=actor, case_type="area_ban", municipality=municipality, person=person,
        incident=incident, fields={"area": name, "radius_m": radius}, summary=text,
    )
    area = AreaBanArea.objects.create(
        case=case, lat=float(lat), lon=float(lon), radius_m=radius, ring=stored_ring,
        plagued_confirmed=True, justification=text,
    )
    audit_record(actor=actor, action=Action.CREATE, obj=area, purpose=Purpose.CASEWORK,
                 changes=changes_between(None, snapshot(area, ("case_id", "lat", "lon",
                                                               "radius_m", "ring"))))
    return case


def area_ban_extend(*, actor: Any, case: Case, reason: str, after_breach: bool = False) -> Case:
    """Extend the ban by 30 days; the engine refuses past six months in all with its message."""
    require_type(case, "area_ban")
    if not set(getattr(actor, "role_codes", ())) & POLICE:
        raise CaseRefused(_("Your role does not allow this step on this case type."))
    text = clean_text(reason, limit=500, label=_("Reason for the extension"), required=True,
                      field="extension_reason")
    if after_breach:
        text = _("After a breach: %(reason)s") % {"reason": text}
    return case_extend(actor=actor, case=case, fields={"extension_reason": text[:500]})


def stalking_flagged_cases(*, user: Any, now: datetime | None = None, limit: int = 20
                           ) -> list[Case]:
    """Readable order cases (open or decided) meeting the stalking rule, for the queue's notice.

    A granted request is closed, so the open-case queue rows alone would never show the flag.
    """
    from samspil.access.policy import log_reads, readable

    since = (now or timezone.now()) - STALKING_WINDOW
    flagged = (
        CaseIncidentLink.objects.filter(kind=LinkKind.BREACH, incident__occurred_at__gte=since)
        .values("case_id").annotate(n=Count("pk")).filter(n__gte=STALKING_BREACH_COUNT)
        .values("case_id")
    )
    cases = list(
        readable(user, Case.objects.all(), purpose=Purpose.CASEWORK)
        .filter(pk__in=flagged).only("id", "case_ref", "case_type", "owner_organisation_id",
                                     "confidentiality", "created_by_id")
        .order_by("-id")[:limit]
    )
    log_reads(user, cases, purpose=Purpose.CASEWORK)
    return cases
