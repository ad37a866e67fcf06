"""The cooperation plan as PDF (typst, samspil.core.pdf): the same PlanView the page shows, as
plain JSON data with Danish labels (the fora's working language)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from samspil.core.pdf import render_pdf
from samspil.plans.selectors import PlanView

TEMPLATE = Path(__file__).resolve().parent / "typst" / "plan.typ"


def plan_document_data(view: PlanView) -> dict[str, Any]:
    plan = view.plan
    with translation.override("da"):
        labels = {
            "plan": _("Cooperation plan"), "year": _("Year"), "district": _("Police district"),
            "municipality": _("Municipality"), "status": _("Status"),
            "designated_by": _("Designated by"), "focus_areas": _("Focus areas"),
            "activities": _("Activities"), "activity": _("Activity"), "action": _("Action"),
            "responsible": _("Responsible"), "indicators": _("Indicators"),
            "indicator": _("Indicator"), "this_year": _("This year"),
            "last_year": _("Last year"), "change": _("Change"), "target": _("Target"),
            "on_target": _("On target"), "assessment": _("Assessment"),
            "no_activities": _("No activities."), "no_indicators": _("No indicators."),
            "evaluation": _("Evaluation"), "evaluated": _("Evaluated"),
            "whole_district": _("The whole police district"),
            "period": _("Measured"),
        }
        areas = []
        for area in view.areas:
            areas.append({
                "title": area.area.title,
                "description": area.area.description,
                "designated_by": area.area.designated_by.name if area.area.designated_by
                else "",
                "activities": [{"activity": a.activity, "action": a.action,
                                "responsible": a.responsible} for a in area.activities],
                "indicators": [{
                    "title": i.indicator.title,
                    "measured": i.measurement is not None,
                    "kind": i.kind_label,
                    "value": i.value, "comparison": i.comparison, "change": i.change,
                    "target": i.target, "on_target": i.on_target_label,
                    "assessment": i.indicator.assessment,
                    "evaluation": (view.evaluation_entries[i.indicator.pk].text
                                   if i.indicator.pk in view.evaluation_entries else ""),
                } for i in area.indicators],
            })
        evaluation = None
        if view.evaluation is not None:
            evaluation = {
                "at": view.evaluation.evaluated_at.strftime("%d.%m.%Y"),
                "by": (view.evaluation.evaluated_by.get_full_name()
                       if view.evaluation.evaluated_by else ""),
                "summary": view.evaluation.summary,
            }
        return {
            "title": plan.title,
            "year": str(plan.year),
            "district": plan.district.name,
            "municipality": plan.municipality.name if plan.municipality
            else labels["whole_district"],
            "status": str(plan.get_status_display()),
            "designated_by": plan.designated_by.name if plan.designated_by else "",
            "introduction": plan.introduction,
            "period": view.period_label,
            "areas": areas,
            "evaluation": evaluation,
            "labels": labels,
        }


def plan_pdf(view: PlanView) -> bytes:
    return render_pdf(TEMPLATE, plan_document_data(view))
