from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.meetings.models import Forum, Meeting
from samspil.organisations.models import Municipality
from samspil.plans.constants import IndicatorMode, TargetDirection
from samspil.plans.indicators import INDICATOR_KINDS, kind_choices


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class PlanFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    municipality = forms.ModelChoiceField(label=_("Municipality"), required=False,
                                          queryset=Municipality.objects.none(),
                                          empty_label=_("All plans of the district"))

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), required=False, queryset=Municipality.objects.none(),
        empty_label=_("The whole police district"),
        help_text=_("Leave empty for the district's plan (the Kredsråd's)."))
    designated_by = forms.ModelChoiceField(label=_("Designated by"), required=False,
                                           queryset=Forum.objects.none(),
                                           empty_label=_("Not stated"))
    introduction = forms.CharField(label=_("Introduction"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, municipalities: Any, fora: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["designated_by"].queryset = fora  # type: ignore[attr-defined]
        if not self.is_bound and "year" not in self.initial:
            self.initial["year"] = timezone.localdate().year


class FocusAreaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    designated_by = forms.ModelChoiceField(label=_("Designated by"), required=False,
                                           queryset=Forum.objects.none(),
                                           empty_label=_("Not stated"))

    def __init__(self, *args: Any, fora: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["designated_by"].queryset = fora  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    activity = forms.CharField(label=_("Activity"), max_length=300)
    action = forms.CharField(label=_("Action"), required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    responsible_forum = forms.ModelChoiceField(label=_("Responsible forum"), required=False,
                                               queryset=Forum.objects.none(),
                                               empty_label=_("None of the standing fora"))
    responsible_text = forms.CharField(
        label=_("Responsible (as the plan words it)"), max_length=300, required=False,
        help_text=_("When several fora or another group are responsible, e.g. "
                    "”Lokalråd og Lokalråd+”."))

    def __init__(self, *args: Any, fora: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_forum"].queryset = fora  # type: ignore[attr-defined]


def _kind_help() -> str:
    return " ".join(f"{kind.label}: {kind.help_text}" for kind in INDICATOR_KINDS.values())


class IndicatorForm(forms.Form):
    title = forms.CharField(label=_("Indicator"), max_length=300,
                            help_text=_("As the plan words it, e.g. ”fewer burglary "
                                        "reports”."))
    mode = forms.ChoiceField(label=_("Kind of indicator"), choices=IndicatorMode.choices,
                             widget=forms.RadioSelect, initial=IndicatorMode.TEXT)
    kind = forms.ChoiceField(label=_("Measure"), required=False)
    parameters = forms.JSONField(label=_("Parameters (JSON)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    direction = forms.ChoiceField(label=_("Target direction"), required=False,
                                  choices=[("", _("Not stated")), *TargetDirection.choices])
    target_value = forms.FloatField(
        label=_("Target value"), required=False,
        help_text=_("Optional. A share is written as a fraction, e.g. 0.9 for 90 %."))
    assessment = forms.CharField(label=_("Assessment"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("", _("Not measured")), *kind_choices()]
        self.fields["parameters"].help_text = _kind_help()

    def clean_parameters(self) -> Any:
        return self.cleaned_data.get("parameters") or {}


class EvaluationForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Meeting"), required=False,
                                     queryset=Meeting.objects.none(),
                                     empty_label=_("Not recorded at a meeting"))
    summary = forms.CharField(label=_("Overall assessment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, meetings: Any, indicators: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.fields["meeting"].label_from_instance = (  # type: ignore[attr-defined]
            lambda m: f"{m.forum.name} {timezone.localtime(m.starts_at):%d.%m.%Y}")
        for view in indicators:
            indicator = view.indicator
            help_text = ""
            if view.measurement is not None:
                help_text = str(_("Now: %(value)s (last year %(comparison)s, change %(change)s)")
                                % {"value": view.value, "comparison": view.comparison,
                                   "change": view.change})
            self.fields[f"indicator_{indicator.pk}"] = forms.CharField(
                label=indicator.title, required=False, help_text=help_text,
                initial=indicator.assessment, widget=forms.Textarea(attrs={"rows": 3}))

    def texts(self) -> dict[int, str]:
        return {int(name.removeprefix("indicator_")): value
                for name, value in self.cleaned_data.items()
                if name.startswith("indicator_") and value}

    def indicator_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("indicator_")]
