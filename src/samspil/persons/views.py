"""Person pages: search, the person page, registration, relations, duplicates and merges.

Every read goes through persons.selectors (which log it); every write through persons.services.
A refusal shows the 403 page; read_one has already written it to the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.access.constants import Purpose
from samspil.access.policy import access_reason, require_purpose
from samspil.persons import selectors, services
from samspil.persons.constants import HOUSEHOLD_KINDS, RelationKind
from samspil.persons.forms import MergeForm, PersonRegisterForm, PersonSearchForm, RelationAddForm
from samspil.persons.models import Person, Relation
from samspil.persons.registry import TimelineEntry, timeline_for
from samspil.persons.roles import MERGE_ROLES, REGISTER_ROLES

View = Callable[..., HttpResponse]


def forbidden(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "persons/forbidden.html", {"reason": reason}, status=403)


def refusals_as_403(view: View) -> View:
    """Show the refusal page (in the user's language) instead of Django's bare 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            return forbidden(request, str(error))
        except Person.DoesNotExist:
            raise Http404 from None

    return wrapper


def _roles(request: HttpRequest) -> frozenset[str]:
    return getattr(request.user, "role_codes", frozenset())


def _apply_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- search and the person page -------------------------------------------------------------

@refusals_as_403
def search(request: HttpRequest) -> HttpResponse:
    user = request.user
    purpose = selectors.person_purpose(user)
    require_purpose(user, purpose)
    form = PersonSearchForm(request.GET or None)
    results: list[selectors.PersonView] | None = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        persons = selectors.person_search(user=user, query=form.cleaned_data["q"],
                                          purpose=purpose)
        results = [selectors.person_view(user, p, purpose=purpose) for p in persons]
    return render(request, "persons/search.html", {
        "form": form, "results": results, "limit": 50,
        "can_register": bool(_roles(request) & REGISTER_ROLES),
    })


def _timeline_by_year(entries: list[TimelineEntry]) -> list[tuple[int, list[TimelineEntry]]]:
    def year(entry: TimelineEntry) -> int:
        return timezone.localtime(entry.at).year if timezone.is_aware(entry.at) else entry.at.year

    return [(key, list(group)) for key, group in groupby(entries, key=year)]


@refusals_as_403
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    purpose = selectors.person_purpose(user)
    person = selectors.person_get(user=user, pk=pk, purpose=purpose)
    view = selectors.person_view(user, person, purpose=purpose)
    identifying = selectors.identifies(purpose)
    household = selectors.household(user=user, person=person, purpose=purpose)
    others = selectors.household(
        user=user, person=person, purpose=purpose,
        kinds=set(RelationKind.values) - set(HOUSEHOLD_KINDS),
    )
    can_edit = bool(_roles(request) & REGISTER_ROLES) and identifying and not person.merged_into_id
    return render(request, "persons/detail.html", {
        "view": view,
        "person": person,
        "household": household if identifying else None,
        "others": others if identifying else None,
        "timeline": _timeline_by_year(timeline_for(user=user, person=person, purpose=purpose)),
        "reason": access_reason(user, person, purpose=purpose),
        "can_add_relation": can_edit,
        "organisation_id": getattr(user, "organisation_id", None),
    })


# --- registration and relations --------------------------------------------------------------

@refusals_as_403
def register(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _roles(request) & REGISTER_ROLES:
        raise PermissionDenied(_("Your role does not allow registering persons."))
    organisation = getattr(user, "organisation", None)
    initial = {"municipality": getattr(organisation, "municipality_id", None)}
    form = PersonRegisterForm(request.POST or None, initial=initial)
    existing: Person | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_register(
                actor=user, given_name=data["given_name"], family_name=data["family_name"],
                municipality=data["municipality"], cpr=data["cpr"] or None,
                birth_date=data["birth_date"], gender=data["gender"] or None,
                address=data["address"], postal_code=data["postal_code"],
            )
        except services.DuplicateCprError as error:
            _apply_errors(form, error)
            existing = error.existing
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The person is registered."))
            return redirect("persons:detail", pk=person.pk)
    return render(request, "persons/register.html", {"form": form, "existing": existing})


@refusals_as_403
def relation_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not _roles(request) & REGISTER_ROLES:
        raise PermissionDenied(_("Your role does not allow registering relations."))
    purpose = selectors.person_purpose(user)
    person = selectors.person_get(user=user, pk=pk, purpose=purpose)
    form = RelationAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        related = selectors.person_find(user=user, text=form.cleaned_data["related"],
                                        purpose=purpose)
        if related is None:
            form.add_error("related", _("No person you have access to has this person key or "
                                        "CPR number."))
        else:
            kind = form.cleaned_data["kind"]
            try:
                services.relation_add(actor=user, person=person, related_person=related,
                                      kind=kind)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                for warning in services.relation_warnings(person=person, related_person=related,
                                                          kind=kind):
                    messages.warning(request, warning)
                messages.success(request, _("The relation is registered."))
                return redirect("persons:detail", pk=person.pk)
    return render(request, "persons/relation_add.html", {
        "form": form, "view": selectors.person_view(user, person, purpose=purpose),
    })


@require_POST
@refusals_as_403
def relation_remove(request: HttpRequest, pk: int, relation_pk: int) -> HttpResponse:
    user = request.user
    person = selectors.person_get(user=user, pk=pk, purpose=selectors.person_purpose(user))
    relation = Relation.objects.filter(
        Q(person=person) | Q(related_person=person), pk=relation_pk).first()
    if relation is None:
        raise Http404
    services.relation_remove(actor=user, relation=relation)
    messages.success(request, _("The relation is removed."))
    return redirect("persons:detail", pk=person.pk)


# --- duplicates and merges -------------------------------------------------------------------

def _require_merge_role(request: HttpRequest) -> None:
    if not _roles(request) & MERGE_ROLES:
        raise PermissionDenied(_("Only an administrator can merge persons."))


@refusals_as_403
def duplicates(request: HttpRequest) -> HttpResponse:
    _require_merge_role(request)
    suggestions = selectors.duplicate_suggestions(user=request.user, limit=100)
    return render(request, "persons/duplicates.html", {"suggestions": suggestions})


@refusals_as_403
def merge(request: HttpRequest, survivor_pk: int, merged_pk: int) -> HttpResponse:
    _require_merge_role(request)
    user = request.user
    survivor, merged = selectors.merge_pair_get(user=user, survivor_pk=survivor_pk,
                                                merged_pk=merged_pk)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_merge(actor=user, survivor=survivor, merged=merged)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The records are merged. You can undo the merge here."))
            return redirect("persons:merges")
    purpose = Purpose.ADMINISTRATION
    sides = []
    for role, person in ((_("Kept"), survivor), (_("Merged into the kept record"), merged)):
        sides.append({
            "role": role,
            "view": selectors.person_view(user, person, purpose=purpose),
            "person": person,
            "relations": selectors.household(user=user, person=person, purpose=purpose,
                                             kinds=RelationKind.values),
        })
    return render(request, "persons/merge.html", {
        "form": form, "sides": sides, "survivor": survivor, "merged": merged,
        "moving": timeline_for(user=user, person=merged, purpose=purpose),
    })


@refusals_as_403
def merges(request: HttpRequest) -> HttpResponse:
    _require_merge_role(request)
    history = list(selectors.merge_history(user=request.user)[:200])
    return render(request, "persons/merges.html", {"merges": history})


@require_POST
@refusals_as_403
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    _require_merge_role(request)
    merge_row = selectors.merge_get(user=request.user, pk=pk)
    try:
        services.person_merge_undo(actor=request.user, merge=merge_row)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The merge is undone."))
    return redirect("persons:merges")
