from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.organisations.models import District
from samspil.reports.selectors import municipalities_of

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A longer period would make the year-before comparison and the lists meaningless to read.
MAX_PERIOD_DAYS = 5 * 366


def this_year() -> tuple[date, date]:
    today = timezone.localdate()
    return date(today.year, 1, 1), date(today.year, 12, 31)


class PeriodForm(forms.Form):
    """The dashboard's filter: a municipality of the district (or all of it) and a period."""

    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    date_from = forms.DateField(label=_("From date"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To date"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("The whole district")), *(
            (m.code, m.name) for m in municipalities_of(district))]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = this_year()
        data["date_from"] = data.get("date_from") or start
        data["date_to"] = data.get("date_to") or end
        if data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        elif (data["date_to"] - data["date_from"]).days > MAX_PERIOD_DAYS:
            self.add_error("date_to", _("Choose a period of at most five years."))
        return data
