from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.access.constants import LegalBasis
from samspil.meetings.constants import MeetingStatus, MemberRole, RiskFactor
from samspil.meetings.models import Forum, ForumMember
from samspil.organisations.models import Organisation

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class MeetingFilterForm(forms.Form):
    forum = forms.ModelChoiceField(label=_("Forum"), queryset=Forum.objects.none(),
                                   required=False, empty_label=_("All my fora"))
    when = forms.ChoiceField(label=_("Show"), required=False,
                             choices=[("upcoming", _("Upcoming meetings")),
                                      ("past", _("Past meetings"))])

    def __init__(self, *args: Any, fora: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forum"].queryset = fora  # type: ignore[attr-defined]


class MeetingCreateForm(forms.Form):
    forum = forms.ModelChoiceField(label=_("Forum"), queryset=Forum.objects.none())
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def __init__(self, *args: Any, fora: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forum"].queryset = fora  # type: ignore[attr-defined]


class MeetingStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MeetingStatus.choices)


class AgendaItemForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=300, required=False)
    case_ref = forms.CharField(
        label=_("Case reference"), max_length=64, required=False,
        help_text=_("To discuss a case, give its reference. The agenda shows only the "
                    "reference."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("topic") or "").strip() and not (data.get("case_ref") or "").strip():
            raise ValidationError(_("Give the topic of the agenda item."))
        return data


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), required=False,
                              widget=forms.Textarea(attrs={"rows": 6}))
    decision = forms.CharField(label=_("Decision"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Members present"), queryset=ForumMember.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members not ticked are recorded as absent."))
    guests = forms.CharField(
        label=_("Guests"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One guest a line: name; organisation"))

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        field.queryset = members  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda m: f"{m.display_name} ({m.organisation.name})")

    def guest_rows(self) -> list[tuple[str, str]]:
        rows = []
        for line in (self.cleaned_data.get("guests") or "").splitlines():
            name, _sep, organisation = line.partition(";")
            if name.strip():
                rows.append((name.strip(), organisation.strip()))
        return rows


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner_organisation = OrganisationChoiceField(label=_("Responsible organisation"),
                                                 queryset=Organisation.objects.none())
    due_date = forms.DateField(label=_("Due"), widget=DATE_WIDGET)
    agenda_item = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = organisations  # type: ignore[attr-defined]


class ConcernRaiseForm(forms.Form):
    forum = forms.ModelChoiceField(label=_("Forum"), queryset=Forum.objects.none())
    person = forms.CharField(label=_("Person id or person key"), max_length=64,
                             help_text=_("The person your organisation is concerned about. "
                                         "The forum will not see who it is."))
    reason = forms.CharField(
        label=_("Why your organisation raises the concern"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the concern without the identity: no name, CPR number, address "
                    "or birth date."))
    risk_factors = forms.MultipleChoiceField(label=_("Risk factors"), choices=RiskFactor.choices,
                                             widget=forms.CheckboxSelectMultiple)
    risk_text = forms.CharField(
        label=_("The situation, described without identity"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The forum reads this before anyone knows who it is about. Do not write the "
                    "person's name, CPR number, address or birth date."))

    def __init__(self, *args: Any, fora: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forum"].queryset = fora  # type: ignore[attr-defined]


class ThresholdForm(forms.Form):
    met = forms.TypedChoiceField(
        label=_("Is the threshold for sharing identity met?"),
        choices=[("yes", _("Yes: identity goes to the agencies needed")),
                 ("no", _("No: nothing more is shared"))],
        coerce=lambda value: value == "yes", widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DiscloseForm(forms.Form):
    lead_organisation = OrganisationChoiceField(label=_("Lead agency"),
                                                queryset=Organisation.objects.none())
    assisting_organisations = forms.ModelMultipleChoiceField(
        label=_("Assisting agencies"), queryset=Organisation.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    what_is_shared = forms.CharField(
        label=_("What is shared"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: name, CPR number, address and the police's PSP incidents of "
                    "the last 12 months."))

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = organisations  # type: ignore[attr-defined]
        assisting = self.fields["assisting_organisations"]
        assisting.queryset = organisations  # type: ignore[attr-defined]
        assisting.label_from_instance = lambda o: o.name  # type: ignore[attr-defined]


class DisclosureFilterForm(forms.Form):
    forum = forms.ModelChoiceField(label=_("Forum"), queryset=Forum.objects.none(),
                                   required=False, empty_label=_("All"))
    legal_basis = forms.ChoiceField(label=_("Legal basis"), required=False,
                                    choices=[("", _("All")), *LegalBasis.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, fora: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forum"].queryset = fora  # type: ignore[attr-defined]


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)

    def year_or_current(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return int(self.cleaned_data["year"])
        return timezone.localdate().year


class PspSelectForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ForumEditForm(forms.ModelForm):
    """The forum's description and rules, as an administrator keeps them up to date."""

    class Meta:
        model = Forum
        fields = ["legal_basis", "disclosure_basis", "purpose", "plans", "interfaces",
                  "participants", "meetings_min", "meetings_max", "disclosure_expiry_days",
                  "is_active"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3}),
                   "participants": forms.Textarea(attrs={"rows": 3})}


class MemberChoiceUserField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.organisation.name})"


class MemberAddForm(forms.Form):
    organisation = OrganisationChoiceField(label=_("Organisation"),
                                           queryset=Organisation.objects.none())
    user = MemberChoiceUserField(
        label=_("User"), queryset=None, required=False,
        help_text=_("A member with a login. Leave empty and give a name for a member without "
                    "a login."))
    external_name = forms.CharField(label=_("Name (no login)"), max_length=150, required=False)
    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role in the forum"), choices=MemberRole.choices,
                             initial=MemberRole.MEMBER)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def __init__(self, *args: Any, organisations: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["user"].queryset = users  # type: ignore[attr-defined]


class MemberEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role in the forum"), choices=MemberRole.choices)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)


class MemberEndForm(forms.Form):
    left_on = forms.DateField(label=_("Left the forum on"), widget=DATE_WIDGET)
