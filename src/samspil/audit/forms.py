from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.audit.constants import Action


class AuditSearchForm(forms.Form):
    object_type = forms.CharField(
        label=_("Record type"),
        required=False,
        max_length=60,
        help_text=_("For example persons.person"),
    )
    object_id = forms.CharField(label=_("Record id"), required=False, max_length=64)
    actor_username = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *Action.choices]
    )
    date_from = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
