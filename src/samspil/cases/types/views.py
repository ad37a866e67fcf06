"""The type-specific sections of the case page and their operations (one POST view each).

The generic page (``cases.views._detail``) asks ``type_context`` for the section of the case's
type; each operation here calls one service and returns to the case page, or shows the page
again with the form's errors (status 400).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import select_template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.access.constants import Purpose
from samspil.access.policy import read_one
from samspil.accounts.request import request_user
from samspil.cases.fields import CHOICE_LABELS
from samspil.cases.models import Case
from samspil.cases.services import CaseError, participating_organisation_ids
from samspil.cases.types import forms as type_forms
from samspil.cases.types import officer_requests, orders, programmes, victims
from samspil.cases.types.models import (
    AreaBanArea,
    CaseIncidentLink,
    CasePlanItem,
    LinkKind,
    OfficerRequestDetails,
    PlanItemStatus,
    RestrainingOrder,
    VictimSupportReferral,
)
from samspil.organisations.models import Municipality

# Generic steps a type-specific form replaces on the case page, so that what the type records is
# not skipped there (a mediator who is not a user of a Konfliktråd, a report sent to a
# municipality that is not made its recipient). The generic API step stays for integrations.
# A victim follow-up keeps its generic "contact attempted" step beside the richer form.
REPLACED_ACTIONS: dict[str, frozenset[str]] = {
    "conflict_mediation": frozenset({"assign_mediator", "close_mediated"}),
    "exit_programme": frozenset({"start"}),
    "social_report": frozenset({"send", "acknowledge"}),
}


def replaced_actions(case: Case) -> frozenset[str]:
    return REPLACED_ACTIONS.get(case.case_type, frozenset())


def _roles(user: Any) -> frozenset[str]:
    return frozenset(getattr(user, "role_codes", frozenset()))


def _works_on(user: Any, case: Case) -> bool:
    return getattr(user, "organisation_id", None) in participating_organisation_ids(case)


def type_context(user: Any, case: Case, bound: dict[str, forms.Form] | None = None
                 ) -> dict[str, Any]:
    """What the case type's own section shows and which of its forms this user gets."""
    bound = bound or {}
    template = select_template([f"cases/types/{case.case_type}.html", "cases/types/_none.html"])
    works = _works_on(user, case)
    roles = _roles(user)
    police = works and "prevention_officer" in roles
    worker = works and bool(roles & {"prevention_officer", "caseworker"})
    data: dict[str, Any] = {"type_template": template.template.name, "forms": {}}
    form_map: dict[str, forms.Form] = {}

    def offer(name: str, make: Callable[[], forms.Form]) -> None:
        form_map[name] = bound.get(name) or make()

    code = case.case_type
    if code == "officer_request":
        data["request"] = OfficerRequestDetails.objects.filter(case=case).first()
        if police and data["request"] is not None:
            offer("reply", lambda: type_forms.ReplyForm(
                initial={"message": data["request"].public_message}))
    elif code == "victim_followup":
        data["attempts"] = victims.contact_attempts(case=case)
        data["referral"] = VictimSupportReferral.objects.filter(followup=case).select_related(
            "case").first()
        if worker and not case.is_closed:
            offer("attempt", lambda: type_forms.ContactAttemptForm(
                initial={"at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}))
        if worker and data["referral"] is None and case.person_id:
            offer("refer", type_forms.ReferralForm)
    elif code == "victim_support_referral":
        data["consent"] = VictimSupportReferral.objects.filter(case=case).first()
    elif code == "restraining_order_request":
        order = RestrainingOrder.objects.filter(case=case).first()
        data["order"] = order
        data["variant"] = case.fields.get("variant")
        data["breaches"] = list(
            CaseIncidentLink.objects.filter(case=case, kind=LinkKind.BREACH)
            .select_related("incident").order_by("incident__occurred_at")
        )
        data["stalking"] = orders.stalking_rule_met(
            [link.incident.occurred_at for link in data["breaches"]])
        grantable = case.state == "visitation" or (
            case.state == "decided" and case.outcome == "granted")
        if worker and order is None and grantable:
            offer("order", type_forms.OrderForm)
        if police and order is not None:
            offer("breach", type_forms.BreachForm)
    elif code == "area_ban":
        data["area"] = AreaBanArea.objects.filter(case=case).first()
        if police and not case.is_closed:
            offer("extend", type_forms.AreaBanExtendForm)
    elif code == "conflict_mediation":
        if works and "caseworker" in roles and case.state == "consent":
            offer("mediator", lambda: type_forms.MediatorForm(
                mediators=programmes.mediators_for(case)))
        if works and roles & {"caseworker", "mediator"} and case.state == "meeting_held":
            offer("mediation_close", type_forms.MediationCloseForm)
    elif code in ("exit_programme", "release_coordination"):
        data["items"] = list(CasePlanItem.objects.filter(case=case).select_related("owner"))
        for item in data["items"]:
            item.label = str(CHOICE_LABELS.get(item.element, item.title or item.element))
        data["status_choices"] = PlanItemStatus.choices
        if worker and not case.is_closed and not (
            code == "exit_programme" and case.state == "consent"
        ):
            offer("plan_item", lambda: type_forms.PlanItemForm(
                owners=programmes.plan_owner_choices(case),
                exit_plan=code == "exit_programme"))
            data["status_form"] = type_forms.PlanStatusForm
        data["can_start"] = worker and code == "exit_programme" and case.state == "plan"
    elif code == "social_report":
        data["links"] = list(
            CaseIncidentLink.objects.filter(case=case).select_related("incident__category"))
        reporter = works and bool(roles & programmes.REPORTERS)
        if reporter and case.state == "drafted":
            offer("link", type_forms.LinkIncidentsForm)
            offer("send", lambda: type_forms.SendReportForm(municipalities=(
                Municipality.objects.filter(district_id=case.municipality.district_id)
                .order_by("name"))))
        organisation = getattr(user, "organisation", None)
        data["can_acknowledge"] = (
            case.state == "sent" and "caseworker" in roles and organisation is not None
            and organisation.municipality is not None
            and organisation.municipality.code == case.fields.get("recipient_municipality_code")
        )
    data["forms"] = form_map
    return {"type": data}


# --- Operations ---------------------------------------------------------------------------------


def _case(request: HttpRequest, pk: int) -> Case:
    from samspil.cases.views import _case as generic_case

    return generic_case(request, pk)


def _again(request: HttpRequest, case: Case, name: str, form: forms.Form) -> HttpResponse:
    from samspil.cases.views import _detail

    return _detail(request, case, type_bound={name: form}, status=400)


def _errors_to(form: forms.Form, error: CaseError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _operation(
    request: HttpRequest, pk: int, name: str, make_form: Callable[[Case], forms.Form],
    run: Callable[[Any, Case, dict[str, Any]], Any], done: str,
) -> HttpResponse:
    user = request_user(request)
    case = _case(request, pk)
    form = make_form(case)
    if form.is_valid():
        try:
            run(user, case, form.cleaned_data)
        except CaseError as error:
            _errors_to(form, error)
        else:
            messages.success(request, done)
            return redirect("cases:detail", pk=case.pk)
    return _again(request, case, name, form)


def _person_by_key(user: Any, key: str) -> Any:
    from samspil.persons.models import Person

    key = (key or "").strip()
    if not key:
        return None
    pk = Person.objects.filter(person_key=key).values_list("pk", flat=True).first()
    if pk is None:
        raise CaseError(_("No person has this person key."), field="restrained_person")
    return read_one(user, Person.objects.all(), pk=pk, purpose=Purpose.CASEWORK)


@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _operation(
        request, pk, "reply", lambda case: type_forms.ReplyForm(request.POST),
        lambda user, case, data: officer_requests.officer_request_reply(
            actor=user, case=case, message=data["message"]),
        _("The message to the requester was saved."),
    )


@require_POST
def contact_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    return _operation(
        request, pk, "attempt", lambda case: type_forms.ContactAttemptForm(request.POST),
        lambda user, case, data: victims.contact_attempt_record(actor=user, case=case, **data),
        _("The contact attempt was recorded."),
    )


@require_POST
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    return _operation(
        request, pk, "refer", lambda case: type_forms.ReferralForm(request.POST),
        lambda user, case, data: victims.victim_support_refer(actor=user, followup=case, **data),
        _("The referral to Victim Support was sent."),
    )


@require_POST
def order_grant(request: HttpRequest, pk: int) -> HttpResponse:
    def run(user: Any, case: Case, data: dict[str, Any]) -> Any:
        restrained = _person_by_key(user, data["restrained_person"])
        protected = _person_by_key(user, data.get("protected_person", ""))
        return orders.restraining_order_grant(
            actor=user, case=case, starts_on=data["starts_on"], ends_on=data["ends_on"],
            restrained_person=restrained, protected_person=protected,
            conditions=data.get("conditions", ""), order_kind=data["order_kind"],
        )

    return _operation(request, pk, "order", lambda case: type_forms.OrderForm(request.POST),
                      run, _("The order was recorded."))


@require_POST
def breach(request: HttpRequest, pk: int) -> HttpResponse:
    return _operation(
        request, pk, "breach", lambda case: type_forms.BreachForm(request.POST),
        lambda user, case, data: orders.order_breach_register(actor=user, case=case, **data),
        _("The breach was registered as an incident."),
    )


@require_POST
def area_ban_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _operation(
        request, pk, "extend", lambda case: type_forms.AreaBanExtendForm(request.POST),
        lambda user, case, data: orders.area_ban_extend(actor=user, case=case, **data),
        _("The area ban was extended by 30 days."),
    )


@require_POST
def mediator(request: HttpRequest, pk: int) -> HttpResponse:
    return _operation(
        request, pk, "mediator",
        lambda case: type_forms.MediatorForm(request.POST,
                                             mediators=programmes.mediators_for(case)),
        lambda user, case, data: programmes.mediation_assign_mediator(
            actor=user, case=case, mediator=data["mediator"]),
        _("The mediator was assigned."),
    )


@require_POST
def mediation_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _operation(
        request, pk, "mediation_close", lambda case: type_forms.MediationCloseForm(request.POST),
        lambda user, case, data: programmes.mediation_close(actor=user, case=case, **data),
        _("The mediation was closed as mediated."),
    )


@require_POST
def plan_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _operation(
        request, pk, "plan_item",
        lambda case: type_forms.PlanItemForm(
            request.POST, owners=programmes.plan_owner_choices(case),
            exit_plan=case.case_type == "exit_programme"),
        lambda user, case, data: programmes.plan_item_add(
            actor=user, case=case, owner=data["owner"], element=data.get("element", ""),
            title=data.get("title", ""), status=data["status"]),
        _("The plan item was added."),
    )


@require_POST
def plan_item_status(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    user = request_user(request)
    case = _case(request, pk)
    row = CasePlanItem.objects.filter(pk=item, case=case).first()
    if row is None:
        raise Http404
    form = type_forms.PlanStatusForm(request.POST)
    if form.is_valid():
        try:
            programmes.plan_item_status_set(actor=user, item=row,
                                            status=form.cleaned_data["status"])
        except CaseError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The status was changed."))
    return redirect("cases:detail", pk=case.pk)


@require_POST
def exit_start(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = _case(request, pk)
    try:
        programmes.exit_programme_start(actor=user, case=case)
    except CaseError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The programme was started."))
    return redirect("cases:detail", pk=case.pk)


@require_POST
def link_incidents(request: HttpRequest, pk: int) -> HttpResponse:
    from samspil.incidents.models import Incident

    def run(user: Any, case: Case, data: dict[str, Any]) -> Any:
        numbers = [n for n in re.split(r"[\s,;]+", data["journal_nos"]) if n][:50]
        found = list(Incident.objects.filter(journal_no__in=numbers))
        if len(found) != len(set(numbers)):
            raise CaseError(_("No incident has this journal number."), field="journal_nos")
        return programmes.social_report_link_incidents(actor=user, case=case, incidents=found)

    return _operation(request, pk, "link", lambda case: type_forms.LinkIncidentsForm(
        request.POST), run, _("The incidents were linked."))


@require_POST
def send_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _operation(
        request, pk, "send",
        lambda case: type_forms.SendReportForm(request.POST, municipalities=(
            Municipality.objects.filter(district_id=case.municipality.district_id))),
        lambda user, case, data: programmes.social_report_send(
            actor=user, case=case, recipient=data["recipient"]),
        _("The report was sent to the municipality."),
    )


@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = _case(request, pk)
    try:
        programmes.social_report_acknowledge(actor=user, case=case)
    except CaseError as error:  # not a sent social report: say so rather than fail
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Receipt was acknowledged."))
    return redirect("cases:detail", pk=case.pk)
