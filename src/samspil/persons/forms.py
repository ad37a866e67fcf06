from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.organisations.models import Municipality
from samspil.persons.constants import Gender, RelationKind


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, CPR number or birth date"),
        max_length=100,
        required=False,
        help_text=_("For example “Søren Hansen”, 010203-1234, 01.02.2003 or 2003-02-01."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class PersonRegisterForm(forms.Form):
    given_name = forms.CharField(label=_("Given names"), max_length=120, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=120)
    cpr = forms.CharField(
        label=_("CPR number"), max_length=11, required=False,
        help_text=_("DDMMYY-SSSS. Leave empty when the person has none; then give the birth date."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    birth_date = forms.DateField(
        label=_("Birth date"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("From the CPR number")), *Gender.choices],
    )
    municipality = forms.ModelChoiceField(
        label=_("Home municipality"), queryset=Municipality.objects.order_by("name"),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].label_from_instance = lambda m: m.name  # type: ignore[attr-defined]


class RelationAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("This person is"), choices=RelationKind.choices)
    related = forms.CharField(
        label=_("of the person with person key or CPR number"), max_length=64,
        help_text=_("The person key is on the person's page."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class MergeForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked that the two records are the same person."), required=True,
    )
