from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.risk.models import RuleSetVersion
from samspil.risk.rules import RuleSet, RuleSetError

THRESHOLDS = (
    ("window_days", _("Window (days)"), _("How many days back incidents count.")),
    ("serious_weight", _("Serious weight (clause a)"),
     _("One incident of at least this weight is enough on its own.")),
    ("clause_b_min_incidents", _("Minimum incidents (clause b)"), ""),
    ("clause_b_min_score", _("Minimum total score (clause b)"), ""),
    ("reopen_min_new_weight", _("New weight that reopens a dismissed hit"), ""),
)


class SendReportForm(forms.Form):
    concern_text = forms.CharField(
        label=_("Concern"), widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Drafted from the incidents. Check and edit it before sending."),
    )


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for taking no action"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example that the municipality already knows the family."),
    )


class RuleSetForm(forms.Form):
    """A new version: the base version's values, one weight field per category."""

    version = forms.CharField(label=_("Version name"), max_length=40,
                              help_text=_("For example v2-roskilde. Cannot be changed later."))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, base: RuleSet, labels: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base = base
        for name, label, help_text in THRESHOLDS:
            self.fields[name] = forms.IntegerField(
                label=label, min_value=1, max_value=3650, initial=getattr(base, name),
                help_text=help_text,
            )
        for code, weight in sorted(base.category_weights.items(),
                                   key=lambda item: labels.get(item[0], item[0])):
            self.fields[f"weight_{code}"] = forms.IntegerField(
                label=labels.get(code, code), min_value=0, max_value=20, initial=weight,
            )

    def threshold_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label, _help in THRESHOLDS]

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("weight_")]

    def rule_set(self) -> RuleSet:
        data = self.cleaned_data
        values = self.base.to_dict()
        values["version"] = data["version"].strip()
        for name, _label, _help in THRESHOLDS:
            values[name] = data[name]
        values["category_weights"] = {
            name.removeprefix("weight_"): value
            for name, value in data.items() if name.startswith("weight_")
        }
        return RuleSet.from_dict(values)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                self.rule_set()
            except RuleSetError as error:
                raise forms.ValidationError(str(error)) from None
        return cleaned


class BacktestForm(forms.Form):
    as_of = forms.DateField(label=_("Screening date"),
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    rule_set = forms.ChoiceField(label=_("Rule set"))
    compare = forms.ChoiceField(label=_("Compare with"))

    def __init__(self, *args: Any, versions: Iterable[RuleSetVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v.version, v.version) for v in versions]
        for name in ("rule_set", "compare"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
