"""Writes to cooperation plans: the plan, its focus areas, activities and indicators, adoption,
and the Lokalråd's evaluation (which freezes the measured values). Each one checked, locked and
audited.

Who: the prevention officers, SSP coordinators and administrators of the plan's police district;
a user of a municipality edits only the district's own plans and its municipality's. The check
runs *before* the transaction, so that the refusal's audit entry survives the refusal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.policy import AccessDenied
from samspil.audit.constants import Action as AuditAction
from samspil.audit.services import audit_record, changes_between, snapshot
from samspil.meetings.constants import ForumKind
from samspil.meetings.models import Forum, Meeting
from samspil.organisations.models import District, Municipality
from samspil.plans.constants import (
    ACTIVITY_EDITABLE,
    FOCUS_AREA_EDITABLE,
    INDICATOR_EDITABLE,
    PLAN_EDITABLE,
    PLAN_EDITOR_ROLES,
    IndicatorMode,
    PlanStatus,
    TargetDirection,
)
from samspil.plans.indicators import indicator_measurement, validate_parameters
from samspil.plans.models import (
    Activity,
    CooperationPlan,
    Evaluation,
    EvaluationEntry,
    FocusArea,
    Indicator,
)

# Only these fora set focus areas (domain.md: the Kredsråd, and each Lokalråd).
DESIGNATING_KINDS = frozenset({ForumKind.KREDSRAAD, ForumKind.LOKALRAAD})


class PlansError(ValidationError):
    pass


# --- Who may do what -------------------------------------------------------------------------

def may_edit(user: Any, *, district_id: int, municipality_id: int | None = None) -> bool:
    organisation = getattr(user, "organisation", None)
    if organisation is None or organisation.district_id != district_id:
        return False
    roles: frozenset[str] = getattr(user, "role_codes", frozenset())
    if not roles & PLAN_EDITOR_ROLES:
        return False
    # A municipality's staff do not write another municipality's plan.
    return not (municipality_id is not None and organisation.municipality_id is not None
                and organisation.municipality_id != municipality_id)


def may_edit_plan(user: Any, plan: CooperationPlan) -> bool:
    return may_edit(user, district_id=plan.district_id, municipality_id=plan.municipality_id)


def require_editor(actor: Any, *, district_id: int, municipality_id: int | None,
                    obj: Any = None) -> None:
    if may_edit(actor, district_id=district_id, municipality_id=municipality_id):
        return
    audit_record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditAction.READ_DENIED, obj=obj,
        object_type="" if obj is not None else "plans.cooperationplan",
    )
    raise AccessDenied(_("Only the prevention officers, SSP coordinators and administrators of "
                         "the plan's police district edit the plan."))


def require_plan_editor(actor: Any, plan: CooperationPlan) -> None:
    """Refuse (and log) an actor who may not edit the plan; pages call it before a form."""
    require_editor(actor, district_id=plan.district_id, municipality_id=plan.municipality_id,
                    obj=plan)


def _audit(actor: Any, action: str, obj: Any, before: dict[str, Any] | None, *,
           reason: str = "") -> None:
    audit_record(actor=actor if getattr(actor, "pk", None) else None, action=action, obj=obj,
                 reason=reason, changes=changes_between(before, snapshot(obj)),
                 actor_username="" if getattr(actor, "pk", None) else "system")


def _lock_plan(plan: CooperationPlan) -> CooperationPlan:
    """Lock the plan row: every change to a plan or its parts is serialised on it."""
    locked = CooperationPlan.objects.select_for_update().get(pk=plan.pk)
    return locked


def _require_open(plan: CooperationPlan) -> None:
    if plan.status == PlanStatus.EVALUATED:
        raise PlansError(_("The plan is evaluated and is no longer changed."))


def _check_designating(forum: Forum | None, district_id: int, field: str) -> None:
    if forum is None:
        return
    if forum.district_id != district_id:
        raise PlansError({field: [_("The forum belongs to another police district.")]})
    if forum.kind not in DESIGNATING_KINDS:
        raise PlansError({field: [_("Focus areas are designated by the Kredsråd or a "
                                    "Lokalråd.")]})


def _check_forum(forum: Forum | None, district_id: int, field: str) -> None:
    if forum is not None and forum.district_id != district_id:
        raise PlansError({field: [_("The forum belongs to another police district.")]})


def _next_position(queryset: Any) -> int:
    return int(queryset.aggregate(top=Max("position"))["top"] or 0) + 1


def _apply(obj: Any, changes: Mapping[str, Any], editable: Sequence[str], name: str) -> None:
    unknown = sorted(set(changes) - set(editable))
    if unknown:
        raise TypeError(f"{name}() got unknown fields: {', '.join(unknown)}")
    for field, value in changes.items():
        setattr(obj, field, value)


# --- Plans -----------------------------------------------------------------------------------

def _check_plan(plan: CooperationPlan) -> None:
    if not 2000 <= plan.year <= 2100:
        raise PlansError({"year": [_("Give a year from 2000 to 2100.")]})
    if not plan.title.strip():
        raise PlansError({"title": [_("Give the plan a title.")]})
    if plan.municipality is not None and plan.municipality.district_id != plan.district_id:
        raise PlansError({"municipality": [_("The municipality is not in the district.")]})
    _check_designating(plan.designated_by, plan.district_id, "designated_by")
    twins = CooperationPlan.objects.filter(year=plan.year, district_id=plan.district_id,
                                           municipality=plan.municipality)
    if twins.exclude(pk=plan.pk).exists():
        raise PlansError({"year": [_("There is already a plan for that year and place.")]})


def plan_create(
    *,
    actor: Any | None,
    year: int,
    district: District,
    title: str,
    municipality: Municipality | None = None,
    designated_by: Forum | None = None,
    introduction: str = "",
    is_synthetic: bool = False,
) -> CooperationPlan:
    """A new plan, as a draft. `actor` None is the system (the demo)."""
    if actor is not None:
        require_editor(actor, district_id=district.pk,
                        municipality_id=municipality.pk if municipality else None)
    with transaction.atomic():
        plan = CooperationPlan(year=year, district=district, municipality=municipality,
                               title=title.strip(), designated_by=designated_by,
                               introduction=introduction, is_synthetic=is_synthetic,
                               created_by=actor if getattr(actor, "pk", None) else None)
        _check_plan(plan)
        plan.save()
        _audit(actor, AuditAction.CREATE, plan, None)
        return plan


def plan_update(*, actor: Any | None, plan: CooperationPlan, **changes: Any) -> CooperationPlan:
    if actor is not None:
        require_plan_editor(actor, plan)
        if "municipality" in changes:
            new = changes["municipality"]
            require_editor(actor, district_id=plan.district_id,
                            municipality_id=new.pk if new else None, obj=plan)
    with transaction.atomic():
        locked = _lock_plan(plan)
        _require_open(locked)
        before = snapshot(locked)
        _apply(locked, changes, PLAN_EDITABLE, "plan_update")
        locked.title = locked.title.strip()
        _check_plan(locked)
        locked.save()
        _audit(actor, AuditAction.UPDATE, locked, before)
        return locked


def plan_adopt(*, actor: Any | None, plan: CooperationPlan) -> CooperationPlan:
    """The forum has adopted the plan: from now on its indicators are followed."""
    if actor is not None:
        require_plan_editor(actor, plan)
    with transaction.atomic():
        locked = _lock_plan(plan)
        if locked.status != PlanStatus.DRAFT:
            raise PlansError(_("Only a draft plan is adopted."))
        if not locked.focus_areas.exists():
            raise PlansError(_("A plan needs at least one focus area before it is adopted."))
        before = snapshot(locked)
        locked.status = PlanStatus.ADOPTED
        locked.adopted_at = timezone.now()
        locked.save(update_fields=["status", "adopted_at"])
        _audit(actor, AuditAction.TRANSITION, locked, before)
        return locked


# --- Focus areas -------------------------------------------------------------------------------

def _check_focus_area(area: FocusArea, plan: CooperationPlan) -> None:
    if not area.title.strip():
        raise PlansError({"title": [_("Give the focus area a title.")]})
    _check_designating(area.designated_by, plan.district_id, "designated_by")


def focus_area_add(*, actor: Any | None, plan: CooperationPlan, title: str,
                   description: str = "", designated_by: Forum | None = None,
                   position: int | None = None) -> FocusArea:
    if actor is not None:
        require_plan_editor(actor, plan)
    with transaction.atomic():
        locked = _lock_plan(plan)
        _require_open(locked)
        area = FocusArea(plan=locked, title=title.strip(), description=description,
                         designated_by=designated_by,
                         position=position or _next_position(locked.focus_areas))
        _check_focus_area(area, locked)
        area.save()
        _audit(actor, AuditAction.CREATE, area, None)
        return area


def focus_area_update(*, actor: Any | None, focus_area: FocusArea, **changes: Any) -> FocusArea:
    plan = focus_area.plan
    if actor is not None:
        require_plan_editor(actor, plan)
    with transaction.atomic():
        locked_plan = _lock_plan(plan)
        _require_open(locked_plan)
        area = FocusArea.objects.get(pk=focus_area.pk)
        before = snapshot(area)
        _apply(area, changes, FOCUS_AREA_EDITABLE, "focus_area_update")
        area.title = area.title.strip()
        _check_focus_area(area, locked_plan)
        area.save()
        _audit(actor, AuditAction.UPDATE, area, before)
        return area


# --- Activities --------------------------------------------------------------------------------

def _check_activity(activity: Activity, plan: CooperationPlan) -> None:
    if not activity.activity.strip():
        raise PlansError({"activity": [_("Name the activity.")]})
    _check_forum(activity.responsible_forum, plan.district_id, "responsible_forum")
    if activity.responsible_forum is None and not activity.responsible_text.strip():
        raise PlansError({"responsible_forum": [_("Choose the responsible forum or write who "
                                                  "is responsible.")]})


def activity_add(*, actor: Any | None, focus_area: FocusArea, activity: str, action: str = "",
                 responsible_forum: Forum | None = None, responsible_text: str = "",
                 position: int | None = None) -> Activity:
    plan = focus_area.plan
    if actor is not None:
        require_plan_editor(actor, plan)
    with transaction.atomic():
        locked = _lock_plan(plan)
        _require_open(locked)
        row = Activity(focus_area=focus_area, activity=activity.strip(), action=action,
                       responsible_forum=responsible_forum,
                       responsible_text=responsible_text.strip(),
                       position=position or _next_position(focus_area.activities))
        _check_activity(row, locked)
        row.save()
        _audit(actor, AuditAction.CREATE, row, None)
        return row


def activity_update(*, actor: Any | None, item: Activity, **changes: Any) -> Activity:
    """Change an activity (`item`: the changes may hold the field named ``activity``)."""
    plan = item.focus_area.plan
    if actor is not None:
        require_plan_editor(actor, plan)
    with transaction.atomic():
        locked = _lock_plan(plan)
        _require_open(locked)
        row = Activity.objects.get(pk=item.pk)
        before = snapshot(row)
        _apply(row, changes, ACTIVITY_EDITABLE, "activity_update")
        row.activity, row.responsible_text = row.activity.strip(), row.responsible_text.strip()
        _check_activity(row, locked)
        row.save()
        _audit(actor, AuditAction.UPDATE, row, before)
        return row


# --- Indicators --------------------------------------------------------------------------------

def _clean_indicator(indicator: Indicator, plan: CooperationPlan) -> None:
    if not indicator.title.strip():
        raise PlansError({"title": [_("Describe the indicator.")]})
    if indicator.mode not in IndicatorMode.values:
        raise PlansError({"mode": [_("Choose described or measured.")]})
    if indicator.direction and indicator.direction not in TargetDirection.values:
        raise PlansError({"direction": [_("Choose decrease or increase.")]})
    if indicator.mode == IndicatorMode.TEXT:
        # A described indicator has no query; what it had before is dropped, not kept hidden.
        indicator.kind, indicator.parameters, indicator.target_value = "", {}, None
        return
    if not indicator.kind:
        raise PlansError({"kind": [_("Choose what is measured.")]})
    if not indicator.direction:
        raise PlansError({"direction": [_("Say whether the measure should decrease or "
                                          "increase.")]})
    indicator.parameters = validate_parameters(indicator.kind, indicator.parameters,
                                               district=plan.district,
                                               municipality=plan.municipality)


def indicator_add(*, actor: Any | None, focus_area: FocusArea, title: str,
                  mode: str = IndicatorMode.TEXT, kind: str = "",
                  parameters: Mapping[str, Any] | None = None, direction: str = "",
                  target_value: float | None = None, assessment: str = "",
                  position: int | None = None) -> Indicator:
    plan = focus_area.plan
    if actor is not None:
        require_plan_editor(actor, plan)
    with transaction.atomic():
        locked = _lock_plan(plan)
        _require_open(locked)
        indicator = Indicator(focus_area=focus_area, title=title.strip(), mode=mode, kind=kind,
                              parameters=dict(parameters or {}), direction=direction,
                              target_value=target_value, assessment=assessment,
                              position=position or _next_position(focus_area.indicators))
        _clean_indicator(indicator, locked)
        indicator.save()
        _audit(actor, AuditAction.CREATE, indicator, None)
        return indicator


def indicator_update(*, actor: Any | None, indicator: Indicator, **changes: Any) -> Indicator:
    plan = indicator.focus_area.plan
    if actor is not None:
        require_plan_editor(actor, plan)
    with transaction.atomic():
        locked = _lock_plan(plan)
        _require_open(locked)
        row = Indicator.objects.get(pk=indicator.pk)
        before = snapshot(row)
        _apply(row, changes, INDICATOR_EDITABLE, "indicator_update")
        row.title = row.title.strip()
        _clean_indicator(row, locked)
        row.save()
        _audit(actor, AuditAction.UPDATE, row, before)
        return row


# --- Evaluation --------------------------------------------------------------------------------

def evaluation_record(
    *,
    actor: Any | None,
    plan: CooperationPlan,
    texts: Mapping[int, str],
    summary: str = "",
    meeting: Meeting | None = None,
    is_synthetic: bool = False,
) -> Evaluation:
    """The Lokalråd's evaluation: per indicator (by id) a text, and every indicator's measured
    values as they are now, frozen in the evaluation. The plan becomes evaluated."""
    if actor is not None:
        require_plan_editor(actor, plan)
    with transaction.atomic():
        locked = _lock_plan(plan)
        if locked.status == PlanStatus.DRAFT:
            raise PlansError(_("A plan is adopted before it is evaluated."))
        if meeting is not None and meeting.forum.district_id != locked.district_id:
            raise PlansError({"meeting": [_("The meeting belongs to another police "
                                            "district.")]})
        indicators = list(Indicator.objects.filter(focus_area__plan=locked)
                          .select_related("focus_area__plan__district",
                                          "focus_area__plan__municipality"))
        unknown = set(texts) - {indicator.pk for indicator in indicators}
        if unknown:
            raise PlansError(_("The evaluation names indicators that are not in the plan."))
        now = timezone.now()
        today = timezone.localdate()
        evaluation = Evaluation.objects.create(
            plan=locked, meeting=meeting, summary=summary, evaluated_at=now,
            evaluated_by=actor if getattr(actor, "pk", None) else None,
            is_synthetic=is_synthetic)
        frozen: dict[str, Any] = {}
        entries = []
        for indicator in indicators:
            measured = indicator_measurement(indicator, today=today)
            entries.append(EvaluationEntry(
                evaluation=evaluation, indicator=indicator, text=texts.get(indicator.pk, ""),
                value=measured.value if measured else None,
                comparison_value=measured.comparison_value if measured else None,
                change=measured.change if measured else None,
                on_target=measured.on_target if measured else None,
                definition={"mode": indicator.mode, "kind": indicator.kind,
                            "parameters": indicator.parameters,
                            "direction": indicator.direction,
                            "target_value": indicator.target_value,
                            "year": locked.year},
            ))
            if measured is not None:
                frozen[str(indicator.pk)] = [measured.value, measured.comparison_value]
        EvaluationEntry.objects.bulk_create(entries)
        before = snapshot(locked)
        locked.status = PlanStatus.EVALUATED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor if getattr(actor, "pk", None) else None, action=AuditAction.CREATE,
            obj=evaluation, reason="evaluation",
            changes={**changes_between(before, snapshot(locked)),
                     "meeting_id": [None, meeting.pk if meeting else None],
                     "indicators": [None, len(entries)], "frozen_values": [None, frozen]},
            actor_username="" if getattr(actor, "pk", None) else "system",
        )
        return evaluation


# --- A whole plan at once (the API's nested create) --------------------------------------------

def plan_build(
    *,
    actor: Any | None,
    year: int,
    district: District,
    title: str,
    municipality: Municipality | None = None,
    designated_by: Forum | None = None,
    introduction: str = "",
    focus_areas: Sequence[Mapping[str, Any]] = (),
    is_synthetic: bool = False,
) -> CooperationPlan:
    """A draft plan with its focus areas, each with ``activities`` and ``indicators`` (lists of
    the keyword arguments of activity_add and indicator_add): all of it, or nothing."""
    if actor is not None:
        require_editor(actor, district_id=district.pk,
                       municipality_id=municipality.pk if municipality else None)
    with transaction.atomic():
        plan = plan_create(actor=actor, year=year, district=district, title=title,
                           municipality=municipality, designated_by=designated_by,
                           introduction=introduction, is_synthetic=is_synthetic)
        for area_data in focus_areas:
            parts = dict(area_data)
            activities = parts.pop("activities", ())
            indicators = parts.pop("indicators", ())
            area = focus_area_add(actor=actor, plan=plan, **parts)
            for activity in activities:
                activity_add(actor=actor, focus_area=area, **activity)
            for indicator in indicators:
                indicator_add(actor=actor, focus_area=area, **indicator)
        return plan
