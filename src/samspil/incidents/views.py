"""Incident pages: search, the incident, registration (officers and island constables), and the
category taxonomy (administrators). Every read goes through incidents.selectors, every write
through incidents.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.access.constants import Purpose
from samspil.access.policy import AccessDenied, access_reason, purposes_of
from samspil.incidents import selectors, services
from samspil.incidents.forms import (
    CategoryForm,
    IncidentForm,
    IncidentSearchForm,
    InvolvementAddForm,
    InvolvementFormSet,
    IslandReportForm,
    apply_errors,
)
from samspil.incidents.models import Incident
from samspil.incidents.quick_person import new_person_register, quick_register_available
from samspil.persons.models import Person

SEARCH_LIMIT = 100


def _incident_or_404(request: HttpRequest, pk: int, purpose: str) -> Incident:
    try:
        return selectors.incident_get(user=request.user, pk=pk, purpose=purpose)
    except Incident.DoesNotExist:
        raise Http404 from None


def search(request: HttpRequest) -> HttpResponse:
    purpose = selectors.read_purpose(request.user)
    form = IncidentSearchForm(request.GET or None, user=request.user)
    incidents: list[Incident] = []
    searched = False
    if form.is_bound and form.is_valid():
        searched = True
        incidents = selectors.incident_search(user=request.user, purpose=purpose,
                                              limit=SEARCH_LIMIT, **form.cleaned_data)
    elif not form.is_bound:
        # The newest incidents the user may see, so the page is useful before any search.
        incidents = selectors.incident_search(user=request.user, purpose=purpose, limit=20)
    return render(request, "incidents/search.html", {
        "form": form, "incidents": incidents, "searched": searched,
        "truncated": len(incidents) >= SEARCH_LIMIT, "limit": SEARCH_LIMIT,
        "may_register": Purpose.REGISTRATION in purposes_of(request.user),
    })


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    purpose = selectors.read_purpose(request.user)
    incident = _incident_or_404(request, pk, purpose)
    rows = selectors.involvements_for_display(user=request.user, incident=incident,
                                              purpose=purpose)
    editable = services.may_edit(request.user, incident)
    return render(request, "incidents/detail.html", {
        "incident": incident,
        "rows": rows,
        "reason": access_reason(request.user, incident, purpose=purpose),
        "editable": editable,
        "add_form": InvolvementAddForm() if editable else None,
    })


def _resolve_rows(request: HttpRequest, formset: Any) -> list[tuple[Person, str]] | None:
    """Turn the formset's rows into (person, role); put a problem on its row and return None."""
    involvements: list[tuple[Person, str]] = []
    ok = True
    for row in formset.forms:
        data = getattr(row, "cleaned_data", None)
        if row.errors or not data or not data.get("role"):
            continue
        if data.get("person"):
            try:
                person = selectors.person_for_involvement(
                    user=request.user, reference=data["person"], purpose=Purpose.REGISTRATION
                )
            except Person.DoesNotExist:
                row.add_error("person", _("No person has this id or person key."))
                ok = False
                continue
            except AccessDenied:
                row.add_error("person", _("You do not have access to this person."))
                ok = False
                continue
            involvements.append((person, data["role"]))
        elif row.wants_new_person:
            involvements.append((row, data["role"]))  # registered inside the transaction
    return involvements if ok else None


def register(request: HttpRequest) -> HttpResponse:
    selectors.require_registration(request.user)
    allow_new = quick_register_available(request.user)
    form = IncidentForm(request.POST or None, user=request.user)
    formset = InvolvementFormSet(request.POST or None, prefix="inv",
                                 allow_new=allow_new)  # type: ignore[call-arg]
    if request.method == "POST":
        # Check everything before saving anything, so the officer sees every problem at once.
        valid = form.is_valid() & formset.is_valid()
        rows = _resolve_rows(request, formset)
        if valid and rows is not None:
            try:
                with transaction.atomic():
                    involvements = [
                        (new_person_register(actor=request.user, row=person)
                         if not isinstance(person, Person) else person, role)
                        for person, role in rows
                    ]
                    incident = services.incident_register(
                        actor=request.user, **form.cleaned_data, involvements=involvements
                    )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Incident %(journal_no)s is registered.")
                                 % {"journal_no": incident.journal_no})
                return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/register.html",
                  {"form": form, "formset": formset, "allow_new": allow_new})


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_registration(request.user)
    incident = _incident_or_404(request, pk, Purpose.REGISTRATION)
    if not services.may_edit(request.user, incident):
        raise AccessDenied(_("Only the organisation that owns the incident can change it."))
    initial = {
        "journal_no": incident.journal_no, "occurred_at": incident.occurred_at,
        "reported_at": incident.reported_at, "category": incident.category,
        "municipality": incident.municipality, "narrative": incident.narrative,
        "lat": incident.lat, "lon": incident.lon,
    }
    form = IncidentForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["reported_at"] = data["reported_at"] or incident.reported_at
        try:
            services.incident_update(actor=request.user, incident=incident, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The incident is saved."))
            return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/edit.html", {"form": form, "incident": incident})


@require_POST
def involvement_add(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_registration(request.user)
    incident = _incident_or_404(request, pk, Purpose.REGISTRATION)
    form = InvolvementAddForm(request.POST)
    if form.is_valid():
        try:
            person = selectors.person_for_involvement(
                user=request.user, reference=form.cleaned_data["person"],
                purpose=Purpose.REGISTRATION,
            )
            services.involvement_add(actor=request.user, incident=incident, person=person,
                                     role=form.cleaned_data["role"])
        except Person.DoesNotExist:
            messages.error(request, _("No person has this id or person key."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The person is added to the incident."))
    else:
        messages.error(request, _("Give a person and a role."))
    return redirect("incidents:detail", pk=incident.pk)


@require_POST
def involvement_remove(request: HttpRequest, pk: int, involvement_pk: int) -> HttpResponse:
    selectors.require_registration(request.user)
    incident = _incident_or_404(request, pk, Purpose.REGISTRATION)
    involvement = selectors.involvement_of(incident=incident, pk=involvement_pk)
    if involvement is None:
        raise Http404
    services.involvement_remove(actor=request.user, involvement=involvement)
    messages.success(request, _("The person's role is removed from the incident."))
    return redirect("incidents:detail", pk=incident.pk)


def island_report(request: HttpRequest) -> HttpResponse:
    selectors.require_island_constable(request.user)
    form = IslandReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.island_report_register(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your report %(journal_no)s is registered.")
                             % {"journal_no": incident.journal_no})
            return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/island_report.html", {"form": form})


def category_list(request: HttpRequest) -> HttpResponse:
    selectors.require_category_admin(request.user)
    return render(request, "incidents/category_list.html",
                  {"categories": selectors.categories_all()})


def category_create(request: HttpRequest) -> HttpResponse:
    selectors.require_category_admin(request.user)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The category %(label)s is added.")
                             % {"label": category.label})
            return redirect("incidents:category_list")
    return render(request, "incidents/category_form.html", {"form": form, "category": None})


def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_category_admin(request.user, pk=pk)
    category = selectors.category_get(pk=pk)
    if category is None:
        raise Http404
    initial = {field: getattr(category, field) for field in
               ("label_da", "label_en", "crime_class", "risk_weight", "psp", "is_active")}
    form = CategoryForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(actor=request.user, category=category, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The category is saved."))
            return redirect("incidents:category_list")
    return render(request, "incidents/category_form.html", {"form": form, "category": category})
