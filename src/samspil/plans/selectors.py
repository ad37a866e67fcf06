"""Reads of cooperation plans.

A plan is not person data: its focus areas, activities and the counts of its indicators are
aggregates. Still, plans are the police district's own business: everyone signed in to an
organisation of the district sees its plans, nobody else does, and a refusal is written to the
audit trail. The indicator values are numbers only (plans.indicators), never rows or persons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.policy import AccessDenied
from samspil.audit.constants import Action as AuditAction
from samspil.audit.services import audit_record
from samspil.meetings.constants import ForumKind
from samspil.meetings.models import Forum, Meeting
from samspil.meetings.selectors import meetings_visible
from samspil.plans.indicators import (
    INDICATOR_KINDS,
    Measurement,
    format_change,
    format_value,
    indicator_measurement,
)
from samspil.plans.models import (
    Activity,
    CooperationPlan,
    Evaluation,
    EvaluationEntry,
    FocusArea,
    Indicator,
)


def _refuse(user: Any, *, object_type: str, object_id: Any = "", message: str) -> AccessDenied:
    audit_record(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=AuditAction.READ_DENIED, object_type=object_type, object_id=str(object_id),
    )
    return AccessDenied(message)


def _district_id(user: Any) -> int:
    organisation = getattr(user, "organisation", None)
    if organisation is None or not getattr(user, "is_authenticated", False):
        raise _refuse(user, object_type="plans.cooperationplan",
                      message=_("You are not signed in to an organisation."))
    district_id: int = organisation.district_id
    return district_id


def plans_visible(*, user: Any) -> QuerySet[CooperationPlan]:
    """The plans of the user's police district."""
    return CooperationPlan.objects.filter(district_id=_district_id(user)).select_related(
        "district", "municipality", "designated_by")


def plan_list(*, user: Any, year: int | None = None, municipality_id: int | None = None,
              district_only: bool = False) -> QuerySet[CooperationPlan]:
    plans = plans_visible(user=user)
    if year is not None:
        plans = plans.filter(year=year)
    if district_only:
        plans = plans.filter(municipality__isnull=True)
    elif municipality_id is not None:
        plans = plans.filter(municipality_id=municipality_id)
    return plans.order_by("-year", "municipality__name", "pk")


def plan_get(*, user: Any, pk: Any) -> CooperationPlan:
    """One plan; DoesNotExist when there is none, AccessDenied (logged) for another district's."""
    district_id = _district_id(user)
    plan = CooperationPlan.objects.select_related("district", "municipality",
                                                  "designated_by").get(pk=pk)
    if plan.district_id != district_id:
        raise _refuse(user, object_type="plans.cooperationplan", object_id=pk,
                      message=_("The plan belongs to another police district."))
    return plan


def focus_area_get(*, user: Any, pk: Any) -> FocusArea:
    area = FocusArea.objects.select_related("plan").get(pk=pk)
    area.plan = plan_get(user=user, pk=area.plan_id)
    return area


def activity_get(*, user: Any, pk: Any) -> Activity:
    row = Activity.objects.select_related("focus_area").get(pk=pk)
    row.focus_area = focus_area_get(user=user, pk=row.focus_area_id)
    return row


def indicator_get(*, user: Any, pk: Any) -> Indicator:
    row = Indicator.objects.select_related("focus_area").get(pk=pk)
    row.focus_area = focus_area_get(user=user, pk=row.focus_area_id)
    return row


def fora_for(*, user: Any) -> QuerySet[Forum]:
    """The fora of the user's district, to choose the designating or responsible forum."""
    return Forum.objects.filter(district_id=_district_id(user), is_active=True).order_by(
        "kind", "name")


def designating_fora_for(*, user: Any) -> QuerySet[Forum]:
    return fora_for(user=user).filter(kind__in=[ForumKind.KREDSRAAD, ForumKind.LOKALRAAD])


def evaluation_meetings_for(*, user: Any, plan: CooperationPlan) -> QuerySet[Meeting]:
    """The meetings of the year at which the plan may have been evaluated, among those the user
    may see (the meetings app decides who sees a meeting)."""
    return meetings_visible(user=user).filter(
        forum__district_id=plan.district_id, starts_at__year=plan.year,
        forum__kind__in=[ForumKind.KREDSRAAD, ForumKind.LOKALRAAD, ForumKind.LOKALRAAD_PLUS],
    ).order_by("-starts_at")


# --- The plan as the page and the document show it ---------------------------------------------

@dataclass(frozen=True)
class IndicatorView:
    indicator: Indicator
    measurement: Measurement | None
    kind_label: str

    @property
    def value(self) -> str:
        m = self.measurement
        return format_value(m.value, m.unit) if m else ""

    @property
    def comparison(self) -> str:
        m = self.measurement
        return format_value(m.comparison_value, m.unit) if m else ""

    @property
    def change(self) -> str:
        return format_change(self.measurement) if self.measurement else ""

    @property
    def target(self) -> str:
        indicator = self.indicator
        if not indicator.is_measured:
            return ""
        direction = str(indicator.get_direction_display()).lower()
        if indicator.target_value is None:
            return direction
        unit = self.measurement.unit if self.measurement else "count"
        label = _("target")
        return f"{direction}, {label} {format_value(indicator.target_value, unit)}"

    @property
    def on_target_label(self) -> str:
        m = self.measurement
        if m is None or m.on_target is None:
            return "–" if m is not None else ""
        return _("Yes") if m.on_target else _("No")


@dataclass(frozen=True)
class FocusAreaView:
    area: FocusArea
    activities: list[Activity]
    indicators: list[IndicatorView]


@dataclass(frozen=True)
class PlanView:
    plan: CooperationPlan
    areas: list[FocusAreaView]
    today: date
    evaluation: Evaluation | None = None
    evaluation_entries: dict[int, EvaluationEntry] = field(default_factory=dict)

    @property
    def period_label(self) -> str:
        for area in self.areas:
            for view in area.indicators:
                m = view.measurement
                if m is not None and m.period is not None and m.comparison_period is not None:
                    return _("%(from)s–%(to)s compared with %(cfrom)s–%(cto)s") % {
                        "from": m.period.date_from.strftime("%d.%m.%Y"),
                        "to": m.period.date_to.strftime("%d.%m.%Y"),
                        "cfrom": m.comparison_period.date_from.strftime("%d.%m.%Y"),
                        "cto": m.comparison_period.date_to.strftime("%d.%m.%Y"),
                    }
        return ""


def plan_view(*, user: Any, plan: CooperationPlan, today: date | None = None) -> PlanView:
    """The plan with its focus areas, activities and the current value of each measured
    indicator, and the latest evaluation. `plan` must come from plan_get (already checked)."""
    plan_get(user=user, pk=plan.pk)  # a cheap re-check: the plan may have come from elsewhere
    today = today or timezone.localdate()
    areas = (FocusArea.objects.filter(plan=plan).select_related("designated_by")
             .prefetch_related(
                 Prefetch("activities",
                          queryset=Activity.objects.select_related("responsible_forum")),
                 Prefetch("indicators", queryset=Indicator.objects.all())))
    views = []
    for area in areas:
        area.plan = plan
        indicators = []
        for indicator in area.indicators.all():
            indicator.focus_area = area
            kind = INDICATOR_KINDS.get(indicator.kind)
            indicators.append(IndicatorView(
                indicator, indicator_measurement(indicator, today=today),
                str(kind.label) if kind else ""))
        views.append(FocusAreaView(area, list(area.activities.all()), indicators))
    evaluation = (Evaluation.objects.filter(plan=plan).select_related("evaluated_by", "meeting")
                  .first())
    entries = ({e.indicator_id: e for e in evaluation.entries.all()} if evaluation else {})
    return PlanView(plan, views, today, evaluation, entries)
