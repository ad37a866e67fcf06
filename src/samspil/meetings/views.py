"""Pages of the fora: the registry and its compliance, meetings (agenda, attendance, minutes,
actions, PDF), concerns shared step by step, the disclosure ledger and the PSP monitoring list.

Reads go through meetings.selectors, writes through meetings.services. The de-identified concern
page receives only a DeidentifiedSituation, never the concern row or the person.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.meetings import selectors, services
from samspil.meetings.constants import ConcernStatus
from samspil.meetings.documents import meeting_pdf
from samspil.meetings.forms import (
    ActionForm,
    AgendaItemForm,
    AttendanceForm,
    ConcernRaiseForm,
    DiscloseForm,
    DisclosureFilterForm,
    ForumEditForm,
    MeetingCreateForm,
    MeetingFilterForm,
    MeetingStatusForm,
    MemberAddForm,
    MemberEditForm,
    MemberEndForm,
    MinutesForm,
    PspSelectForm,
    ThresholdForm,
    YearForm,
    apply_errors,
)
from samspil.meetings.models import AgendaItem, Concern, Forum, ForumMember
from samspil.organisations.models import Municipality, Organisation
from samspil.persons.models import Person

View = Callable[..., HttpResponse]


def refusals_as_403(view: View) -> View:
    """A refusal shows the refusal page (already in the audit trail); a missing record is 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            return render(request, "meetings/forbidden.html", {"reason": str(error)},
                          status=403)
        except ObjectDoesNotExist:
            raise Http404 from None

    return wrapper


def _organisations(forum: Forum) -> Any:
    return Organisation.objects.filter(pk__in=services.member_organisation_ids(forum)).order_by(
        "name")


# --- Fora ------------------------------------------------------------------------------------

@refusals_as_403
def fora(request: HttpRequest) -> HttpResponse:
    items = selectors.fora_visible(user=request.user).filter(is_active=True).order_by(
        "kind", "name")
    taking_part = set(selectors.fora_taking_part(user=request.user).values_list("pk",
                                                                                flat=True))
    return render(request, "meetings/fora.html", {"fora": items, "taking_part": taking_part})


@refusals_as_403
def forum(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.forum_get(user=request.user, pk=pk)
    taking_part = services.may_take_part(request.user, item)
    year = YearForm(request.GET or None).year_or_current()
    return render(request, "meetings/forum.html", {
        "forum": item,
        "members": item.members.current().select_related("user", "organisation"),
        "former_members": item.members.exclude(left_on=None).select_related(
            "user", "organisation").order_by("-left_on"),
        "may_administer": services.may_administer(request.user, item.district_id),
        "taking_part": taking_part,
        "compliance": selectors.forum_compliance(user=request.user, year=year, forum=item),
        "upcoming": selectors.meeting_list(user=request.user, forum=item)[:5]
        if taking_part else [],
        "situations": selectors.concern_situations(user=request.user, forum=item)
        if taking_part else [],
        "is_chair": services.is_chair(request.user, item),
    })


def _administered_forum(request: HttpRequest, pk: int) -> Forum:
    item = selectors.forum_get(user=request.user, pk=pk)
    if not services.may_administer(request.user, item.district_id):
        raise PermissionDenied(_("Only the police's crime-prevention staff and administrators "
                                 "set up fora."))
    return item


@refusals_as_403
def forum_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _administered_forum(request, pk)
    form = ForumEditForm(request.POST or None, instance=Forum.objects.get(pk=item.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.forum_update(actor=request.user, forum=item, **{
                field: form.cleaned_data[field] for field in form.changed_data})
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The forum is saved."))
            return redirect("meetings:forum", pk=item.pk)
    return render(request, "meetings/forum_edit.html", {"form": form, "forum": item})


@refusals_as_403
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _administered_forum(request, pk)
    organisations = Organisation.objects.filter(district_id=item.district_id).order_by("name")
    users = (get_user_model().objects.filter(organisation__district_id=item.district_id,
                                             is_active=True)
             .select_related("organisation").order_by("first_name", "last_name"))
    form = MemberAddForm(request.POST or None, organisations=organisations, users=users)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.forum_member_add(
                actor=request.user, forum=item, organisation=data["organisation"],
                user=data.get("user"), external_name=data["external_name"], title=data["title"],
                role=data["role"], email=data["email"], phone=data["phone"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The member is added."))
            return redirect("meetings:forum", pk=item.pk)
    return render(request, "meetings/member_add.html", {"form": form, "forum": item})


def _administered_member(request: HttpRequest, pk: int) -> ForumMember:
    member = ForumMember.objects.select_related("forum", "user", "organisation").get(pk=pk)
    _administered_forum(request, member.forum_id)
    return member


@refusals_as_403
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _administered_member(request, pk)
    form = MemberEditForm(request.POST or None, initial={
        field: getattr(member, field) for field in ("title", "role", "email", "phone")})
    if request.method == "POST" and form.is_valid():
        try:
            services.forum_member_update(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The member is saved."))
            return redirect("meetings:forum", pk=member.forum_id)
    end_form = MemberEndForm(initial={"left_on": timezone.localdate()})
    return render(request, "meetings/member_edit.html", {
        "form": form, "end_form": end_form, "member": member, "forum": member.forum})


@refusals_as_403
@require_POST
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    member = _administered_member(request, pk)
    end_form = MemberEndForm(request.POST)
    if end_form.is_valid():
        try:
            services.forum_member_end(actor=request.user, member=member,
                                      left_on=end_form.cleaned_data["left_on"])
        except ValidationError as error:
            apply_errors(end_form, error)
        else:
            messages.success(request, _("The membership has ended."))
            return redirect("meetings:forum", pk=member.forum_id)
    form = MemberEditForm(initial={
        field: getattr(member, field) for field in ("title", "role", "email", "phone")})
    return render(request, "meetings/member_edit.html", {
        "form": form, "end_form": end_form, "member": member, "forum": member.forum},
        status=400)


@refusals_as_403
def compliance(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.GET or None)
    year = form.year_or_current()
    return render(request, "meetings/compliance.html", {
        "form": form, "year": year,
        "rows": selectors.forum_compliance(user=request.user, year=year),
    })


# --- Meetings --------------------------------------------------------------------------------

@refusals_as_403
def meetings(request: HttpRequest) -> HttpResponse:
    fora_qs = selectors.fora_taking_part(user=request.user)
    form = MeetingFilterForm(request.GET or None, fora=fora_qs)
    forum_choice, when = None, "upcoming"
    if form.is_valid():
        forum_choice = form.cleaned_data.get("forum")
        when = form.cleaned_data.get("when") or "upcoming"
    page = Paginator(selectors.meeting_list(user=request.user, forum=forum_choice, when=when),
                     25).get_page(request.GET.get("page"))
    return render(request, "meetings/meetings.html", {
        "form": form, "page_obj": page, "when": when,
    })


@refusals_as_403
def meeting_create(request: HttpRequest) -> HttpResponse:
    fora_qs = selectors.fora_taking_part(user=request.user)
    if not any(services.may_take_part(request.user, f) for f in fora_qs):
        raise PermissionDenied(_("Your organisation sits in no forum."))
    form = MeetingCreateForm(request.POST or None, fora=fora_qs,
                             initial={"forum": request.GET.get("forum")})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The meeting is planned."))
            return redirect("meetings:meeting", pk=meeting.pk)
    return render(request, "meetings/meeting_create.html", {"form": form})


@refusals_as_403
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.meeting_get(user=request.user, pk=pk)
    agenda = selectors.agenda_for(user=request.user, meeting=item)
    return render(request, "meetings/meeting.html", {
        "meeting": item, "agenda": agenda,
        "item_form": AgendaItemForm(),
        "status_form": MeetingStatusForm(initial={"status": item.status}),
        "action_form": ActionForm(organisations=_organisations(item.forum)),
    })


@refusals_as_403
@require_POST
def meeting_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.meeting_get(user=request.user, pk=pk)
    form = MeetingStatusForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_set_status(actor=request.user, meeting=item,
                                        status=form.cleaned_data["status"])
            messages.success(request, _("The status is saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("meetings:meeting", pk=item.pk)


@refusals_as_403
@require_POST
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.meeting_get(user=request.user, pk=pk)
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the topic of the agenda item."))
        return redirect("meetings:meeting", pk=item.pk)
    case = None
    case_ref = form.cleaned_data["case_ref"].strip()
    if case_ref:
        case = selectors.case_for_agenda(user=request.user, case_ref=case_ref)
        if case is None:
            messages.error(request, _("You have no case with the reference %(ref)s.")
                           % {"ref": case_ref})
            return redirect("meetings:meeting", pk=item.pk)
    try:
        services.agenda_item_add(actor=request.user, meeting=item,
                                 topic=form.cleaned_data["topic"], case=case)
        messages.success(request, _("The item is on the agenda."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("meetings:meeting", pk=item.pk)


@refusals_as_403
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    item = AgendaItem.objects.select_related("meeting").get(pk=pk)
    meeting_obj = selectors.meeting_get(user=request.user, pk=item.meeting_id)
    form = MinutesForm(request.POST or None, initial={"minutes": item.minutes,
                                                      "decision": item.decision})
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_record(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The minutes are saved."))
            return redirect("meetings:meeting", pk=meeting_obj.pk)
    return render(request, "meetings/minutes.html", {"form": form, "item": item,
                                                     "meeting": meeting_obj})


@refusals_as_403
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.meeting_get(user=request.user, pk=pk)
    members = item.forum.members.on(timezone.localdate(item.starts_at)).select_related(
        "user", "organisation")
    present = [a.member_id for a in item.attendance.all() if a.member_id and a.present]
    guests = "\n".join(f"{a.guest_name}; {a.guest_organisation}"
                       for a in item.attendance.all() if not a.member_id)
    form = AttendanceForm(request.POST or None, members=members,
                          initial={"present": present, "guests": guests})
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["present"])
        try:
            services.attendance_set(
                actor=request.user, meeting=item, present=chosen,
                absent=[m for m in members if m not in chosen], guests=form.guest_rows())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The attendance is saved."))
            return redirect("meetings:meeting", pk=item.pk)
    return render(request, "meetings/attendance.html", {"form": form, "meeting": item})


@refusals_as_403
@require_POST
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.meeting_get(user=request.user, pk=pk)
    form = ActionForm(request.POST, organisations=_organisations(item.forum))
    if form.is_valid():
        data = form.cleaned_data
        agenda_item = item.items.filter(pk=data.get("agenda_item") or 0).first()
        try:
            services.action_create(actor=request.user, forum=item.forum, meeting=item,
                                   agenda_item=agenda_item, title=data["title"],
                                   owner_organisation=data["owner_organisation"],
                                   due_date=data["due_date"])
            messages.success(request, _("The action is recorded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Describe the action, who is responsible and when it is "
                                  "due."))
    return redirect("meetings:meeting", pk=item.pk)


@refusals_as_403
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get(user=request.user, pk=pk)
    services.action_complete(actor=request.user, action=action,
                             done=request.POST.get("done", "1") == "1")
    messages.success(request, _("The action is updated."))
    target = request.POST.get("next", "")
    if target.startswith("/fora/"):
        return redirect(target)
    return redirect("meetings:actions")


@refusals_as_403
def actions(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    return render(request, "meetings/actions.html", {
        "actions": selectors.actions_list(user=request.user,
                                          status=status if status in ("open", "done") else ""),
        "status": status,
    })


@refusals_as_403
def agenda_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, minutes_too=False)


@refusals_as_403
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, minutes_too=True)


def _pdf(request: HttpRequest, pk: int, *, minutes_too: bool) -> HttpResponse:
    item = selectors.meeting_get(user=request.user, pk=pk)
    agenda = selectors.agenda_for(user=request.user, meeting=item)
    name = "referat" if minutes_too else "dagsorden"
    response = HttpResponse(meeting_pdf(agenda, minutes=minutes_too),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}-{item.pk}.pdf"'
    return response


# --- Concerns (the four filters) -------------------------------------------------------------

@refusals_as_403
def concern_raise(request: HttpRequest) -> HttpResponse:
    fora_qs = selectors.fora_taking_part(user=request.user).filter(disclosure_expiry_days__gt=0)
    if not any(services.may_take_part(request.user, f) for f in fora_qs):
        raise PermissionDenied(_("Your organisation sits in no forum that discusses persons."))
    form = ConcernRaiseForm(request.POST or None, fora=fora_qs,
                            initial={"forum": request.GET.get("forum"),
                                     "person": request.GET.get("person")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reference = data["person"].strip()
        person = Person.objects.filter(person_key=reference).first()
        if person is None and reference.isdigit():
            person = Person.objects.filter(pk=int(reference)).first()
        if person is None:
            form.add_error("person", _("No person with this id or key."))
        else:
            try:
                concern = services.concern_raise(
                    actor=request.user, forum=data["forum"], person=person,
                    reason=data["reason"], risk_factors=data["risk_factors"],
                    risk_text=data["risk_text"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The concern is raised. The forum sees it without "
                                            "the identity."))
                return redirect("meetings:concern", pk=concern.pk)
    return render(request, "meetings/concern_raise.html", {"form": form})


@refusals_as_403
def concern(request: HttpRequest, pk: int) -> HttpResponse:
    """Filter 2: the de-identified view. Only `situation` (a plain dataclass) reaches the page."""
    situation = selectors.concern_situation(user=request.user, pk=pk)
    forum_obj = Forum.objects.get(pk=situation.forum_id)
    home = Concern.objects.filter(pk=pk).values_list("home_organisation_id", flat=True).get()
    is_home = request.user.organisation_id == home  # type: ignore[union-attr]
    threshold_form = disclose_form = None
    if situation.status == ConcernStatus.RAISED and services.is_chair(request.user, forum_obj):
        threshold_form = ThresholdForm(request.POST or None if "decide" in request.POST
                                       else None)
    if situation.status == ConcernStatus.MET and is_home:
        disclose_form = DiscloseForm(request.POST if "disclose" in request.POST else None,
                                     organisations=_organisations(forum_obj),
                                     initial={"legal_basis": forum_obj.disclosure_basis})
    if request.method == "POST":
        row = selectors.concern_get(user=request.user, pk=pk)
        if threshold_form is not None and threshold_form.is_valid():
            try:
                services.concern_threshold_decide(actor=request.user, concern=row,
                                                  **threshold_form.cleaned_data)
            except ValidationError as error:
                apply_errors(threshold_form, error)
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("meetings:concern", pk=pk)
        elif disclose_form is not None and disclose_form.is_valid():
            data = disclose_form.cleaned_data
            try:
                services.concern_disclose(
                    actor=request.user, concern=row, lead_organisation=data["lead_organisation"],
                    assisting_organisations=list(data["assisting_organisations"]),
                    legal_basis=data["legal_basis"], what_is_shared=data["what_is_shared"])
            except ValidationError as error:
                apply_errors(disclose_form, error)
            else:
                messages.success(request, _("The identity is disclosed to the agencies "
                                            "named."))
                return redirect("meetings:concern", pk=pk)
        elif threshold_form is None and disclose_form is None:
            raise PermissionDenied(_("There is nothing for you to decide on this concern."))
    return render(request, "meetings/concern.html", {
        "situation": situation, "threshold_form": threshold_form,
        "disclose_form": disclose_form,
    })


@refusals_as_403
def concern_identified(request: HttpRequest, pk: int) -> HttpResponse:
    """Filters 3 and 4: identity and the intervention, for the agencies that know the person."""
    identified = selectors.concern_identified(user=request.user, pk=pk)
    organisations = Organisation.objects.filter(
        pk__in=[r.organisation_id for r in identified.recipients]
        + [Concern.objects.values_list("home_organisation_id", flat=True).get(pk=pk)]
    ).order_by("name")
    form = ActionForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_create(
                actor=request.user, forum=Forum.objects.get(pk=identified.situation.forum_id),
                concern=Concern.objects.get(pk=pk), title=data["title"],
                owner_organisation=data["owner_organisation"], due_date=data["due_date"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The action is recorded."))
            return redirect("meetings:concern_identified", pk=pk)
    return render(request, "meetings/concern_identified.html", {
        "identified": identified, "form": form,
        "may_plan": identified.situation.status == ConcernStatus.DISCLOSED,
    })


# --- The disclosure ledger -------------------------------------------------------------------

@refusals_as_403
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "meetings/ledger.html", {
        "ledger": selectors.person_ledger(user=request.user, person_pk=pk)})


@refusals_as_403
def disclosures(request: HttpRequest) -> HttpResponse:
    from samspil.access.selectors import count_by_basis, require_dpo

    require_dpo(request.user)
    form = DisclosureFilterForm(request.GET or None,
                                fora=selectors.fora_visible(user=request.user))
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
    rows = selectors.dpo_disclosure_list(user=request.user, **filters)
    return render(request, "meetings/disclosures.html", {
        "form": form, "rows": rows, "by_basis": count_by_basis(r.disclosure for r in rows)})


# --- PSP practice groups ---------------------------------------------------------------------

@refusals_as_403
def psp(request: HttpRequest) -> HttpResponse:
    municipalities = selectors.psp_municipalities(user=request.user)
    code = request.GET.get("kommune") or ""
    municipality = (Municipality.objects.get(code=code) if code
                    else municipalities.first())
    if municipality is None:
        raise PermissionDenied(_("The PSP monitoring list is for the police and the "
                                 "municipality's PSP coordinator."))
    monitoring = selectors.psp_monitoring_list(user=request.user, municipality=municipality)
    return render(request, "meetings/psp.html", {
        "monitoring": monitoring, "municipalities": municipalities,
        "psp_forum": Forum.objects.filter(kind="psp", municipality=municipality).first(),
    })


@refusals_as_403
@require_POST
def psp_select(request: HttpRequest) -> HttpResponse:
    form = PspSelectForm(request.POST)
    if not form.is_valid():
        raise Http404
    person = Person.objects.select_related("municipality").get(pk=form.cleaned_data["person"])
    try:
        case = services.psp_discussion_open(actor=request.user, person=person,
                                            note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Selected for discussion: case %(ref)s.") % {
            "ref": case.case_ref})
    return redirect(f"{_psp_url()}?kommune={person.municipality.code}")


def _psp_url() -> str:
    from django.urls import reverse

    return reverse("meetings:psp")
