from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samspil.incidents.constants import CrimeClass, InvolvementRole
from samspil.incidents.selectors import categories_all, categories_in_use, municipalities_for
from samspil.organisations.models import Municipality

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class _PositionMixin(forms.Form):
    lat = forms.FloatField(label=_("Latitude"), required=False,
                           help_text=_("WGS84, for example 55.6415"))
    lon = forms.FloatField(label=_("Longitude"), required=False,
                           help_text=_("WGS84, for example 12.0803"))


class IncidentForm(_PositionMixin):
    journal_no = forms.CharField(label=_("Journal number"), max_length=40,
                                 help_text=_("For example 0100-12345-00001-25"))
    occurred_at = forms.DateTimeField(label=_("When did it happen?"), widget=DATETIME_WIDGET)
    reported_at = forms.DateTimeField(label=_("When was it reported?"), required=False,
                                      widget=DATETIME_WIDGET,
                                      help_text=_("Leave empty if the same as when it happened."))
    category = CategoryChoiceField(label=_("Category"), queryset=categories_in_use(),
                                   to_field_name="code")
    municipality = forms.ModelChoiceField(label=_("Municipality"),
                                          queryset=Municipality.objects.none(),
                                          to_field_name="code")
    narrative = forms.CharField(label=_("What happened?"), required=False,
                                widget=forms.Textarea(attrs={"rows": 6}))
    field_order = ["journal_no", "occurred_at", "reported_at", "category", "municipality",
                   "narrative", "lat", "lon"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipality = self.fields["municipality"]
        assert isinstance(municipality, forms.ModelChoiceField)
        municipality.queryset = municipalities_for(user)


class InvolvementRowForm(forms.Form):
    """One row of the registration form: an existing person, or a new one to register."""

    person = forms.CharField(label=_("Person id or person key"), required=False, max_length=64)
    role = forms.ChoiceField(label=_("Role"), required=False,
                             choices=[("", "—"), *InvolvementRole.choices])
    new_given_name = forms.CharField(label=_("Or a new person: given name"), required=False,
                                     max_length=120)
    new_family_name = forms.CharField(label=_("Family name"), required=False, max_length=120)
    new_cpr = forms.CharField(label=_("CPR number"), required=False, max_length=11,
                              help_text=_("If the CPR number is registered already, that person "
                                          "is used."))
    new_birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE_WIDGET)
    new_municipality = forms.ModelChoiceField(label=_("Home municipality"), required=False,
                                              queryset=Municipality.objects.order_by("name"),
                                              to_field_name="code")

    def __init__(self, *args: Any, allow_new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not allow_new:
            for name in ("new_given_name", "new_family_name", "new_cpr", "new_birth_date",
                         "new_municipality"):
                del self.fields[name]

    @property
    def wants_new_person(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("new_given_name") or data.get("new_family_name")
                    or data.get("new_cpr"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_person = bool(data.get("person")) or self.wants_new_person
        if has_person and not data.get("role"):
            self.add_error("role", _("Choose the person's role."))
        if data.get("role") and not has_person:
            self.add_error("person", _("Name the person who had this role."))
        if data.get("person") and self.wants_new_person:
            self.add_error("person", _("Give an existing person or a new one, not both."))
        if self.wants_new_person and not data.get("new_municipality"):
            self.add_error("new_municipality", _("Choose the new person's home municipality."))
        return data


class BaseInvolvementFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, allow_new: bool = False, **kwargs: Any) -> None:
        self.allow_new = allow_new
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "allow_new": self.allow_new}


InvolvementFormSet = forms.formset_factory(InvolvementRowForm, formset=BaseInvolvementFormSet,
                                           extra=3, max_num=20, validate_max=True)


class InvolvementAddForm(forms.Form):
    person = forms.CharField(label=_("Person id or person key"), max_length=64)
    role = forms.ChoiceField(label=_("Role"), choices=InvolvementRole.choices)


class IslandReportForm(_PositionMixin):
    occurred_at = forms.DateTimeField(label=_("When did it happen?"), widget=DATETIME_WIDGET)
    category = CategoryChoiceField(label=_("What kind of incident?"),
                                   queryset=categories_in_use(), to_field_name="code")
    narrative = forms.CharField(label=_("What happened?"),
                                widget=forms.Textarea(attrs={"rows": 6}))
    field_order = ["occurred_at", "category", "narrative", "lat", "lon"]


class IncidentSearchForm(forms.Form):
    journal_no = forms.CharField(label=_("Journal number"), required=False, max_length=40)
    category = CategoryChoiceField(label=_("Category"), required=False,
                                   queryset=categories_all(), to_field_name="code",
                                   empty_label=_("All"))
    municipality = forms.ModelChoiceField(label=_("Municipality"), required=False,
                                          queryset=Municipality.objects.none(),
                                          to_field_name="code", empty_label=_("All"))
    date_from = forms.DateField(label=_("From date"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To date"), required=False, widget=DATE_WIDGET)
    text = forms.CharField(label=_("Words in the narrative"), required=False, max_length=200)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipality = self.fields["municipality"]
        assert isinstance(municipality, forms.ModelChoiceField)
        municipality.queryset = municipalities_for(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class CategoryForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40,
                           help_text=_("Lower-case letters, digits and underscores, e.g. "
                                       "e_scooter_theft. Imports refer to it; it cannot change."))
    label_da = forms.CharField(label=_("Danish label"), max_length=120)
    label_en = forms.CharField(label=_("English label"), max_length=120, required=False)
    crime_class = forms.ChoiceField(label=_("Crime class"), choices=CrimeClass.choices)
    risk_weight = forms.IntegerField(label=_("Risk weight"), min_value=0, max_value=10)
    psp = forms.BooleanField(label=_("PSP category (monitored for vulnerable persons)"),
                             required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
        else:
            del self.fields["is_active"]


def apply_errors(form: forms.Form, error: ValidationError, *, default_field: str | None = None
                 ) -> None:
    """Put a service's ValidationError on the form: on the named field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else default_field
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(default_field, message)
