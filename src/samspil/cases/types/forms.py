"""Forms of the type-specific operations on the case page. They shape input only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.cases.fields import CHOICE_LABELS
from samspil.cases.types.models import (
    ConsentChannel,
    ContactChannel,
    ContactResult,
    PlanItemStatus,
)
from samspil.cases.workflows import EXIT_PLAN_ELEMENTS, RESTRAINING_ORDER_KINDS

BLANK = [("", "—")]
DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _datetime(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=DATETIME, input_formats=DATETIME_FORMATS)


class ReplyForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the requester"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the requester's status page. Write nothing confidential."),
    )


class ContactAttemptForm(forms.Form):
    at = _datetime(_("When"))
    channel = forms.ChoiceField(label=_("Channel"), choices=[*BLANK, *ContactChannel.choices])
    result = forms.ChoiceField(label=_("Result"), choices=[*BLANK, *ContactResult.choices])
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReferralForm(forms.Form):
    consent_at = _datetime(_("Consent given"))
    consent_channel = forms.ChoiceField(label=_("How the consent was given"),
                                        choices=[*BLANK, *ConsentChannel.choices])


class OrderForm(forms.Form):
    order_kind = forms.ChoiceField(
        label=_("Kind of order"),
        choices=[(c, CHOICE_LABELS.get(c, c)) for c in RESTRAINING_ORDER_KINDS],
    )
    starts_on = forms.DateField(label=_("Valid from"), widget=DATE)
    ends_on = forms.DateField(label=_("Valid until"), widget=DATE,
                              help_text=_("At most 5 years after the start."))
    restrained_person = forms.CharField(label=_("Restrained person (person key)"), max_length=64)
    protected_person = forms.CharField(
        label=_("Protected person (person key)"), max_length=64, required=False,
        help_text=_("Leave empty when it is the person the case is about."),
    )
    conditions = forms.CharField(label=_("Conditions"), required=False, max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 3}))


class BreachForm(forms.Form):
    occurred_at = _datetime(_("When did the breach happen"))
    narrative = forms.CharField(label=_("What happened"), required=False, max_length=10_000,
                                widget=forms.Textarea(attrs={"rows": 3}))


class AreaBanExtendForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the extension"), max_length=400)
    after_breach = forms.BooleanField(label=_("The extension follows a breach"), required=False)


class MediatorForm(forms.Form):
    mediator: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Mediator"), queryset=None, empty_label="—"  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, mediators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = mediators  # type: ignore[attr-defined]
        self.fields["mediator"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: f"{user.get_full_name() or user.username} ({user.organisation.name})"
        )


class MediationCloseForm(forms.Form):
    agreement = forms.CharField(label=_("Written agreement (optional)"), required=False,
                                max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class PlanItemForm(forms.Form):
    element = forms.ChoiceField(label=_("Plan element"), required=False)
    title = forms.CharField(label=_("Step"), required=False, max_length=200)
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=None, empty_label="—"  # type: ignore[arg-type]
    )
    status = forms.ChoiceField(label=_("Status"), choices=PlanItemStatus.choices)

    def __init__(self, *args: Any, owners: Any, exit_plan: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        if exit_plan:
            del self.fields["title"]
            self.fields["element"].required = True
            self.fields["element"].choices = [  # type: ignore[attr-defined]
                *BLANK, *((c, CHOICE_LABELS.get(c, c)) for c in EXIT_PLAN_ELEMENTS)
            ]
        else:
            del self.fields["element"]
            self.fields["title"].required = True


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanItemStatus.choices)


class LinkIncidentsForm(forms.Form):
    journal_nos = forms.CharField(
        label=_("Journal numbers of the incidents"), max_length=2000,
        help_text=_("One or more, separated by spaces or commas."),
    )


class SendReportForm(forms.Form):
    recipient: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Municipality"), queryset=None, empty_label="—"  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = municipalities  # type: ignore[attr-defined]
