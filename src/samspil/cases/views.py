"""The case pages: queues, the case page with its steps, opening a case. Only services and
selectors are called here."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.access.constants import Purpose
from samspil.access.policy import read_one
from samspil.accounts.request import request_user
from samspil.cases import selectors, services
from samspil.cases.fields import CHOICE_LABELS, OUTCOME_LABELS, fields_for_step, spec_of
from samspil.cases.forms import (
    BulkAssignForm,
    NoteForm,
    OpenCaseForm,
    QueueFilterForm,
    TransitionForm,
)
from samspil.cases.models import Case
from samspil.cases.types.orders import stalking_case_ids, stalking_flagged_cases
from samspil.cases.types.views import replaced_actions, type_context
from samspil.cases.workflows import CASE_TYPES, allowed_actions
from samspil.organisations.models import Municipality

# Danish URL slugs (like the rest of the site's paths) for the queue codes.
QUEUE_SLUGS: dict[str, str] = {
    "mine": "mine",
    "snart": "due_soon",
    "overskredet": "overdue",
    "ufordelt": "unassigned",
    "alle": "all",
}
QUEUE_TITLES = {
    "mine": _("My cases"),
    "due_soon": _("Deadline soon"),
    "overdue": _("Overdue"),
    "unassigned": _("Unassigned"),
    "all": _("All open cases"),
}


def _municipalities(user: Any) -> Any:
    return Municipality.objects.filter(district_id=user.organisation.district_id).order_by("name")


def _page_number(value: str | None) -> int:
    try:
        return max(1, min(10_000, int(value or 1)))
    except ValueError:
        return 1


def queue(request: HttpRequest, slug: str = "mine") -> HttpResponse:
    user = request_user(request)
    code = QUEUE_SLUGS.get(slug)
    if code is None:
        raise Http404
    selectors.require_case_reader(user)
    form = QueueFilterForm(request.GET or None, municipalities=_municipalities(user))
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = selectors.case_queue(
        user=user, queue=code, page=_page_number(request.GET.get("page")), **filters
    )
    users = selectors.assignable_users(user=user)
    return render(request, "cases/queue.html", {
        "form": form,
        "page": page,
        "queue": code,
        "queue_title": QUEUE_TITLES[code],
        "queues": [(s, c, QUEUE_TITLES[c]) for s, c in QUEUE_SLUGS.items()],
        "assign_form": BulkAssignForm(users=users),
        "can_open": bool(selectors.case_types_for(user=user)),
        "stalking_ids": stalking_case_ids([row.case.pk for row in page.rows]),
        "stalking_cases": stalking_flagged_cases(user=user),
    })


def _step_forms(
    user: Any, case: Case, bound: TransitionForm | None = None
) -> list[TransitionForm]:
    forms = []
    replaced = replaced_actions(case)
    for transition in selectors.case_actions_for(user=user, case=case):
        if transition.action in replaced:
            continue  # the type's own section offers this step with what it records
        if bound is not None and bound.transition.action == transition.action:
            forms.append(bound)
            continue
        forms.append(TransitionForm(
            transition=transition, detail_names=fields_for_step(transition),
            values={**case.fields, "crime_class": case.crime_class or None},
        ))
    return forms


def _detail(request: HttpRequest, case: Case, *, bound: TransitionForm | None = None,
            note_form: NoteForm | None = None, status: int = 200,
            type_bound: dict[str, Any] | None = None) -> HttpResponse:
    user = request_user(request)
    history = selectors.case_history(case=case)
    visited = {row.to_state for row in history}
    steps = [
        {"code": s.code, "label": s.label, "current": s.code == case.state,
         "done": s.code in visited and s.code != case.state}
        for s in case.definition.states
    ]
    details = [
        (spec_of(name).label, _display(value))
        for name, value in case.fields.items()
        if value not in (None, "", [])
    ]
    participant_org = user.organisation_id in services.participating_organisation_ids(case)
    return render(request, "cases/detail.html", {
        "case": case,
        "definition": case.definition,
        "person": selectors.person_visible(user=user, case=case),
        "deadline": selectors.deadline_of(case),
        "steps": steps,
        "step_forms": _step_forms(user, case, bound),
        "history": history,
        "notes": selectors.case_notes(case=case),
        "participants": selectors.case_participants(user=user, case=case),
        "details": details,
        "outcome_label": OUTCOME_LABELS.get(case.outcome, case.outcome),
        "note_form": note_form or NoteForm(),
        "assign_form": BulkAssignForm(
            users=selectors.assignable_users(user=user),
            initial={"assigned_to": case.assigned_to_id},
        ),
        "can_work": participant_org,
        **type_context(user, case, type_bound),
    }, status=status)


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(CHOICE_LABELS.get(item, item)) for item in value)
    return str(CHOICE_LABELS.get(value, value)) if isinstance(value, str) else str(value)


def _case(request: HttpRequest, pk: int) -> Case:
    user = request_user(request)
    selectors.require_case_reader(user)
    try:
        return selectors.case_get(user=user, pk=pk, purpose=Purpose.CASEWORK)
    except Case.DoesNotExist:
        raise Http404 from None


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _case(request, pk))


@require_POST
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request_user(request)
    case = _case(request, pk)
    step = next(
        (t for t in selectors.case_actions_for(user=user, case=case) if t.action == action), None
    )
    if step is None or action in replaced_actions(case):
        messages.error(request, _("This step is not possible for you on this case now."))
        return redirect("cases:detail", pk=case.pk)
    form = TransitionForm(request.POST, transition=step, detail_names=fields_for_step(step),
                          values=case.fields)
    if form.is_valid():
        values = {k: v for k, v in form.detail_values().items() if v not in (None, "", [])}
        try:
            services.case_transition(
                actor=user, case=case, action=action,
                outcome=form.cleaned_data.get("outcome") or None,
                fields=values, note=form.cleaned_data.get("note", ""),
            )
        except services.CaseError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(step)s: done.") % {"step": step.label})
            return redirect("cases:detail", pk=case.pk)
    return _detail(request, case, bound=form, status=400)


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = _case(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(actor=user, case=case, text=form.cleaned_data["text"])
        except services.CaseError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The note was added."))
            return redirect("cases:detail", pk=case.pk)
    return _detail(request, case, note_form=form, status=400)


@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = _case(request, pk)
    form = BulkAssignForm(request.POST, users=selectors.assignable_users(user=user))
    if not form.is_valid():
        messages.error(request, _("Choose a user of your organisation."))
        return redirect("cases:detail", pk=case.pk)
    try:
        services.case_assign(actor=user, case=case, assignee=form.cleaned_data["assigned_to"])
    except services.CaseError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The case was assigned."))
    return redirect("cases:detail", pk=case.pk)


@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    selectors.require_case_reader(user)
    form = BulkAssignForm(request.POST, users=selectors.assignable_users(user=user))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("cases:index")
    ids = [int(v) for v in request.POST.getlist("case") if v.isdigit()]
    if not ids:
        messages.error(request, _("Choose at least one case."))
    elif not form.is_valid():
        messages.error(request, _("Choose a user of your organisation."))
    else:
        try:
            count = services.cases_bulk_assign(
                actor=user, case_ids=ids, assignee=form.cleaned_data["assigned_to"]
            )
        except services.CaseError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(n)s cases were assigned.") % {"n": count})
    return HttpResponseRedirect(back)


def open_choose(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    selectors.require_case_reader(user)
    types = [(code, CASE_TYPES[code].label) for code in selectors.case_types_for(user=user)]
    return render(request, "cases/open_choose.html", {"types": types})


def open_case(request: HttpRequest, case_type: str) -> HttpResponse:
    user = request_user(request)
    selectors.require_case_reader(user)
    if case_type not in selectors.case_types_for(user=user):
        raise Http404
    definition = CASE_TYPES[case_type]
    creation = allowed_actions(definition, None, user.role_codes)[0]
    form = OpenCaseForm(
        request.POST or None, definition=definition, transition=creation,
        detail_names=fields_for_step(creation), municipalities=_municipalities(user),
        initial={"municipality": getattr(user.organisation, "municipality_id", None)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = _person(user, data.get("person", ""))
            incident = _incident(user, data.get("journal_no", ""))
            case = services.case_open(
                actor=user, case_type=case_type, municipality=data["municipality"],
                person=person, incident=incident, fields=form.detail_values(),
                origin=data.get("origin", "") or "", title=data.get("title", ""),
                summary=data.get("summary", ""),
            )
        except services.CaseError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Case %(ref)s was opened.") % {"ref": case.case_ref})
            return redirect("cases:detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/open_form.html", {
        "form": form, "definition": definition, "case_type": case_type,
    }, status=status)


def _person(user: Any, reference: str) -> Any:
    from samspil.persons.models import Person

    reference = (reference or "").strip()
    if not reference:
        return None
    pk = Person.objects.filter(person_key=reference).values_list("pk", flat=True).first()
    if pk is None:
        raise services.CaseError(_("No person has this person key."), field="person")
    return read_one(user, Person.objects.all(), pk=pk, purpose=Purpose.CASEWORK)


def _incident(user: Any, journal_no: str) -> Any:
    from samspil.incidents.models import Incident

    journal_no = (journal_no or "").strip()
    if not journal_no:
        return None
    pk = Incident.objects.filter(journal_no=journal_no).values_list("pk", flat=True).first()
    if pk is None:
        raise services.CaseError(_("No incident has this journal number."), field="journal_no")
    return read_one(user, Incident.objects.all(), pk=pk, purpose=Purpose.CASEWORK)

