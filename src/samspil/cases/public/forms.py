"""The "Bestil en betjent" form. Every field has a size limit with a clear message; the
``website`` field is a honeypot that people never see and robots fill in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.cases.fields import ORIGIN_LABELS
from samspil.cases.types import officer_requests as requests
from samspil.cases.types.models import RequesterKind

BLANK = [("", "—")]


def _limited(limit: int) -> dict[str, Any]:
    # Django's own "at most N characters (it has M)" message, already in Danish in its catalogue.
    return {"max_length": limit}


class OfficerRequestForm(forms.Form):
    origin = forms.ChoiceField(
        label=_("What are you requesting?"),
        choices=[*BLANK, *((o, ORIGIN_LABELS[o]) for o in requests.ORIGINS)],
        error_messages={"required": _("Choose what you are requesting.")},
    )
    municipality: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Municipality"), queryset=None, empty_label="—",  # type: ignore[arg-type]
        help_text=_("The police district of the municipality receives your request."),
        error_messages={"required": _("Choose the municipality.")},
    )
    place = forms.CharField(label=_("Place"), help_text=_("Address or name of the place."),
                            **_limited(requests.MAX_PLACE))
    wished_date = forms.DateField(
        label=_("Wished date"), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Give the wished date."),
                        "invalid": _("Give a valid date.")},
    )
    wished_date_alternative = forms.DateField(
        label=_("Alternative date (optional)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give a valid date.")},
    )
    description = forms.CharField(
        label=_("Describe what you would like"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("At most 2,000 characters."), **_limited(requests.MAX_DESCRIPTION),
    )
    requester_kind = forms.ChoiceField(
        label=_("You are requesting as"), choices=RequesterKind.choices,
        widget=forms.RadioSelect, error_messages={"required": _("Choose who you are.")},
    )
    contact_name = forms.CharField(label=_("Your name"), **_limited(requests.MAX_NAME))
    email = forms.EmailField(
        label=_("E-mail"), required=False, max_length=requests.MAX_EMAIL,
    )
    phone = forms.RegexField(
        label=_("Phone"), required=False, regex=r"^\+?[0-9 ]{8,20}$", max_length=requests.MAX_PHONE,
        help_text=_("Give an e-mail address or a phone number, or both."),
        error_messages={"invalid": _("Give a phone number of 8 digits or more.")},
    )
    consent_to_contact = forms.BooleanField(
        label=_("The police may contact me about the request"),
        error_messages={"required": _("We can only handle the request if we may contact you.")},
    )
    # The honeypot: hidden from people (and from assistive technology), filled in by robots.
    website = forms.CharField(required=False, max_length=200, label=_("Leave this field empty"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = requests.public_municipalities()  # type: ignore[attr-defined]
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def _check_date(self, name: str) -> Any:
        value = self.cleaned_data.get(name)
        if value is None:
            return value
        today = timezone.localdate()
        if value < today:
            raise forms.ValidationError(_("The date cannot be in the past."))
        if value > today + timedelta(days=requests.MAX_AHEAD_DAYS):
            raise forms.ValidationError(_("The date must be within a year from today."))
        return value

    def clean_wished_date(self) -> Any:
        return self._check_date("wished_date")

    def clean_wished_date_alternative(self) -> Any:
        return self._check_date("wished_date_alternative")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and "email" not in self.errors and (
            "phone" not in self.errors
        ):
            self.add_error("email", _("Give an e-mail address or a phone number, or both."))
        return data

    def visible(self) -> list[Any]:
        return [field for field in self if field.name != "website"]
