"""Socialsøg pages: the review queue, the hit page with its decision forms, starting a run, and
the rules page (new versions, backtesting, activation).

Reads go through risk.selectors (scoped and logged), writes through risk.services / backtest.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.incidents.models import IncidentCategory
from samspil.risk import selectors, services
from samspil.risk.backtest import Comparison, backtest_run
from samspil.risk.constants import ACTIVATE_ROLES, REVIEW_ROLES, Trigger
from samspil.risk.forms import BacktestForm, DismissForm, RuleSetForm, SendReportForm
from samspil.risk.models import Hit

View = Callable[..., HttpResponse]


def refusals_as_403(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            return render(request, "persons/forbidden.html", {"reason": str(error)}, status=403)
        except Hit.DoesNotExist:
            raise Http404 from None

    return wrapper


def _apply_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@refusals_as_403
def queue(request: HttpRequest) -> HttpResponse:
    page = selectors.hit_queue(user=request.user, page=request.GET.get("page", 1))
    return render(request, "risk/queue.html", {
        "page_obj": page, "runs": selectors.recent_runs(user=request.user),
    })


def _hit_page(request: HttpRequest, hit: Hit, *, report_form: SendReportForm | None = None,
              dismiss_form: DismissForm | None = None, status: int = 200) -> HttpResponse:
    view = selectors.hit_view(user=request.user, hit=hit)
    return render(request, "risk/hit.html", {
        "view": view, "hit": hit,
        "report_form": report_form or SendReportForm(initial={"concern_text": view.concern_draft}),
        "dismiss_form": dismiss_form or DismissForm(),
    }, status=status)


@refusals_as_403
def hit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hit = selectors.hit_get(user=request.user, pk=pk)
    return _hit_page(request, hit)


@refusals_as_403
@require_POST
def hit_report(request: HttpRequest, pk: int) -> HttpResponse:
    hit = selectors.hit_to_decide(user=request.user, pk=pk)
    form = SendReportForm(request.POST)
    if form.is_valid():
        try:
            services.hit_send_social_report(
                actor=request.user, hit=hit, concern_text=form.cleaned_data["concern_text"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The social report was sent to the municipality."))
            return redirect("risk:queue")
    return _hit_page(request, hit, report_form=form, status=400)


@refusals_as_403
@require_POST
def hit_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    hit = selectors.hit_to_decide(user=request.user, pk=pk)
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            services.hit_dismiss(actor=request.user, hit=hit, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The hit was closed without action."))
            return redirect("risk:queue")
    return _hit_page(request, hit, dismiss_form=form, status=400)


@refusals_as_403
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    selectors.require_reviewer(request.user)
    district = request.user.organisation.district  # type: ignore[union-attr]
    try:
        outcome = services.screening_run(
            as_of=timezone.localdate(), district=district, actor=request.user,
            trigger=Trigger.USER,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Screening finished: %(n)d families meet the rules, "
                                    "%(new)d new hits.")
                         % {"n": len(outcome.hits), "new": outcome.counts.get("created", 0)})
    return redirect("risk:queue")


@refusals_as_403
def rules(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    versions = list(selectors.rule_set_versions(user=user))
    district = user.organisation.district
    active = services.active_rule_set_version(district=district)
    labels = {c.code: c.label for c in IncidentCategory.objects.all()}
    create_form = RuleSetForm(
        request.POST if request.method == "POST" else None, base=active.rule_set, labels=labels
    )
    if request.method == "POST" and create_form.is_valid():
        try:
            created = services.rule_set_version_create(
                actor=user, version=create_form.cleaned_data["version"],
                rule_set=create_form.rule_set(),
                description=create_form.cleaned_data["description"],
            )
        except ValidationError as error:
            _apply_errors(create_form, error)
        else:
            messages.success(request, _("Rule set %(version)s created. Backtest it before "
                                        "activating it.") % {"version": created.version})
            return redirect(f"{request.path}?rule_set={active.version}&compare={created.version}"
                            f"&as_of={timezone.localdate().isoformat()}")
    backtest_form = BacktestForm(request.GET or None, versions=versions,
                                 initial={"as_of": timezone.localdate()})
    comparison: Comparison | None = None
    if request.GET and backtest_form.is_valid():
        data = backtest_form.cleaned_data
        by_code = {v.version: v for v in versions}
        try:
            comparison = backtest_run(
                actor=user, district=district, as_of=data["as_of"],
                version_a=by_code[data["rule_set"]], version_b=by_code[data["compare"]],
            )
        except ValidationError as error:
            _apply_errors(backtest_form, error)
    return render(request, "risk/rules.html", {
        "versions": versions, "active": active, "create_form": create_form,
        "backtest_form": backtest_form, "comparison": comparison,
        "can_activate": bool(user.role_codes & ACTIVATE_ROLES),
        "can_review": bool(user.role_codes & REVIEW_ROLES),
    }, status=400 if request.method == "POST" else 200)


@refusals_as_403
@require_POST
def rule_activate(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.rule_set_version_get(user=request.user, pk=pk)
    services.rule_set_version_activate(actor=request.user, version=version)
    messages.success(request, _("Rule set %(version)s is now used for your district.")
                     % {"version": version.version})
    return redirect("risk:rules")
