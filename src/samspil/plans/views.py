"""Pages of the cooperation plans: the list per year and place, the plan (focus areas, the
activities table, indicators with their current values), the edit forms, the evaluation and the
PDF. Reads go through plans.selectors, writes through plans.services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.organisations.models import Municipality, Organisation
from samspil.plans import selectors, services
from samspil.plans.documents import plan_pdf
from samspil.plans.forms import (
    ActivityForm,
    EvaluationForm,
    FocusAreaForm,
    IndicatorForm,
    PlanFilterForm,
    PlanForm,
    apply_errors,
)
from samspil.plans.models import CooperationPlan

View = Callable[..., HttpResponse]


def refusals_as_403(view: View) -> View:
    """A refusal shows the refusal page (already in the audit trail); a missing record is 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            return render(request, "plans/forbidden.html", {"reason": str(error)}, status=403)
        except ObjectDoesNotExist:
            raise Http404 from None

    return wrapper


def _organisation(request: HttpRequest) -> Organisation:
    """The user's organisation; plans_visible has refused (and logged) a user without one."""
    selectors.plans_visible(user=request.user)
    organisation = getattr(request.user, "organisation", None)
    if organisation is None:
        raise PermissionDenied(_("You are not signed in to an organisation."))
    return organisation


def _municipalities(request: HttpRequest) -> Any:
    return Municipality.objects.filter(
        district_id=_organisation(request).district_id).order_by("name")


def _plan_url(plan: CooperationPlan) -> HttpResponse:
    return redirect("plans:plan", pk=plan.pk)


# --- Plans -----------------------------------------------------------------------------------

@refusals_as_403
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plans_visible(user=request.user)
    form = PlanFilterForm(request.GET or None, municipalities=_municipalities(request))
    year = municipality = None
    if form.is_valid():
        year = form.cleaned_data.get("year")
        municipality = form.cleaned_data.get("municipality")
    plans = selectors.plan_list(user=request.user, year=year,
                                municipality_id=municipality.pk if municipality else None)
    organisation = _organisation(request)
    return render(request, "plans/plan_list.html", {
        "form": form, "plans": plans,
        "may_create": services.may_edit(request.user, district_id=organisation.district_id,
                                        municipality_id=organisation.municipality_id),
    })


@refusals_as_403
def plan_create(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    services.require_editor(request.user, district_id=organisation.district_id,
                            municipality_id=organisation.municipality_id)
    form = PlanForm(request.POST or None, municipalities=_municipalities(request),
                    fora=selectors.designating_fora_for(user=request.user),
                    initial={"municipality": organisation.municipality_id})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, district=organisation.district,
                                        **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The plan is created as a draft."))
            return _plan_url(plan)
    return render(request, "plans/plan_form.html", {"form": form, "plan": None})


@refusals_as_403
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.plan_get(user=request.user, pk=pk)
    return render(request, "plans/plan.html", {
        "view": selectors.plan_view(user=request.user, plan=item),
        "may_edit": services.may_edit_plan(request.user, item),
    })


@refusals_as_403
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.plan_get(user=request.user, pk=pk)
    services.require_plan_editor(request.user, item)
    form = PlanForm(request.POST or None, municipalities=_municipalities(request),
                    fora=selectors.designating_fora_for(user=request.user),
                    initial={"year": item.year, "title": item.title,
                             "municipality": item.municipality_id,
                             "designated_by": item.designated_by_id,
                             "introduction": item.introduction})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("year")  # the year is part of the plan's identity
        try:
            services.plan_update(actor=request.user, plan=item, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The plan is saved."))
            return _plan_url(item)
    form.fields["year"].disabled = True
    return render(request, "plans/plan_form.html", {"form": form, "plan": item})


@refusals_as_403
@require_POST
def plan_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.plan_get(user=request.user, pk=pk)
    try:
        services.plan_adopt(actor=request.user, plan=item)
        messages.success(request, _("The plan is adopted."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _plan_url(item)


@refusals_as_403
def plan_document(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.plan_get(user=request.user, pk=pk)
    response = HttpResponse(plan_pdf(selectors.plan_view(user=request.user, plan=item)),
                            content_type="application/pdf")
    name = f"samarbejdsplan-{item.year}-{item.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- Focus areas, activities, indicators ---------------------------------------------------------

def _form_page(request: HttpRequest, *, form: Any, plan: CooperationPlan, heading: str,
               save: Callable[[dict[str, Any]], Any], done: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(dict(form.cleaned_data))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return _plan_url(plan)
    return render(request, "plans/part_form.html", {"form": form, "plan": plan,
                                                    "heading": heading})


@refusals_as_403
def focus_area_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.plan_get(user=request.user, pk=pk)
    services.require_plan_editor(request.user, item)
    form = FocusAreaForm(request.POST or None,
                         fora=selectors.designating_fora_for(user=request.user))
    return _form_page(request, form=form, plan=item, heading=_("Add a focus area"),
                      save=lambda data: services.focus_area_add(actor=request.user, plan=item,
                                                                **data),
                      done=_("The focus area is added."))


@refusals_as_403
def focus_area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    area = selectors.focus_area_get(user=request.user, pk=pk)
    services.require_plan_editor(request.user, area.plan)
    form = FocusAreaForm(request.POST or None,
                         fora=selectors.designating_fora_for(user=request.user),
                         initial={"title": area.title, "description": area.description,
                                  "designated_by": area.designated_by_id})
    return _form_page(request, form=form, plan=area.plan, heading=_("Edit the focus area"),
                      save=lambda data: services.focus_area_update(
                          actor=request.user, focus_area=area, **data),
                      done=_("The focus area is saved."))


@refusals_as_403
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    area = selectors.focus_area_get(user=request.user, pk=pk)
    services.require_plan_editor(request.user, area.plan)
    form = ActivityForm(request.POST or None, fora=selectors.fora_for(user=request.user))
    return _form_page(request, form=form, plan=area.plan,
                      heading=_("Add an activity to %(area)s") % {"area": area.title},
                      save=lambda data: services.activity_add(actor=request.user,
                                                              focus_area=area, **data),
                      done=_("The activity is added."))


@refusals_as_403
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.activity_get(user=request.user, pk=pk)
    plan_obj = row.focus_area.plan
    services.require_plan_editor(request.user, plan_obj)
    form = ActivityForm(request.POST or None, fora=selectors.fora_for(user=request.user),
                        initial={"activity": row.activity, "action": row.action,
                                 "responsible_forum": row.responsible_forum_id,
                                 "responsible_text": row.responsible_text})
    return _form_page(request, form=form, plan=plan_obj, heading=_("Edit the activity"),
                      save=lambda data: services.activity_update(actor=request.user, item=row,
                                                                 **data),
                      done=_("The activity is saved."))


def _indicator_data(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "parameters": data.get("parameters") or {}}


@refusals_as_403
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    area = selectors.focus_area_get(user=request.user, pk=pk)
    services.require_plan_editor(request.user, area.plan)
    form = IndicatorForm(request.POST or None)
    return _form_page(request, form=form, plan=area.plan,
                      heading=_("Add an indicator to %(area)s") % {"area": area.title},
                      save=lambda data: services.indicator_add(
                          actor=request.user, focus_area=area, **_indicator_data(data)),
                      done=_("The indicator is added."))


@refusals_as_403
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.indicator_get(user=request.user, pk=pk)
    plan_obj = row.focus_area.plan
    services.require_plan_editor(request.user, plan_obj)
    form = IndicatorForm(request.POST or None, initial={
        "title": row.title, "mode": row.mode, "kind": row.kind, "parameters": row.parameters,
        "direction": row.direction, "target_value": row.target_value,
        "assessment": row.assessment})
    return _form_page(request, form=form, plan=plan_obj, heading=_("Edit the indicator"),
                      save=lambda data: services.indicator_update(
                          actor=request.user, indicator=row, **_indicator_data(data)),
                      done=_("The indicator is saved."))


# --- Evaluation ----------------------------------------------------------------------------------

@refusals_as_403
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.plan_get(user=request.user, pk=pk)
    services.require_plan_editor(request.user, item)
    view = selectors.plan_view(user=request.user, plan=item)
    indicators = [i for area in view.areas for i in area.indicators]
    form = EvaluationForm(request.POST or None,
                          meetings=selectors.evaluation_meetings_for(user=request.user,
                                                                     plan=item),
                          indicators=indicators)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_record(actor=request.user, plan=item, texts=form.texts(),
                                       summary=form.cleaned_data["summary"],
                                       meeting=form.cleaned_data["meeting"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The evaluation is recorded, with the measured values "
                                        "as they are now."))
            return _plan_url(item)
    return render(request, "plans/evaluation_form.html", {"form": form, "plan": item})
