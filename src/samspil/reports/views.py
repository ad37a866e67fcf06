"""The figures in the web app: the dashboard (a period and a municipality of the user's district),
the annual report (HTML page, PDF, CSV, JSON) and the list of records behind each number.

Every page asks reports.selectors.district_for first: a user without a figures role, or asking for
another district, is refused (403) and the refusal logged."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from samspil.audit.constants import Action
from samspil.audit.services import audit_record
from samspil.reports import annual, document, output, selectors
from samspil.reports.forms import PeriodForm, this_year

PAGE_SIZE = 50
MIN_YEAR, MAX_YEAR = 1900, 9998
FORMATS = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _period_label(date_from: date, date_to: date) -> str:
    if (date_from.month, date_from.day, date_to.month, date_to.day) == (1, 1, 12, 31) \
            and date_from.year == date_to.year:
        return str(date_from.year)
    return f"{date_from:%d.%m.%Y}–{date_to:%d.%m.%Y}"


def dashboard(request: HttpRequest) -> HttpResponse:
    district = selectors.district_for(request.user, request.GET.get("district") or None)
    form = PeriodForm(request.GET or None, district=district)
    date_from, date_to = this_year()
    code = ""
    if form.is_bound and form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        code = form.cleaned_data["municipality"] or ""
    municipality = selectors.municipality_in(district, code) if code else None
    scope = annual.district_scope(district, date_from, date_to, municipality)
    previous_scope = annual.district_scope(district, year_before(date_from),
                                           year_before(date_to), municipality)
    current, previous = annual.figures(scope), annual.figures(previous_scope)

    def link(key: str, which: str) -> str:
        chosen = scope if which == "current" else previous_scope
        return reverse("reports:records") + "?" + urlencode({
            "figure": key, "district": district.slug, "municipality": code,
            "date_from": chosen.date_from.isoformat(), "date_to": chosen.date_to.isoformat(),
        })

    doc = document.build(
        title=_("Figures"), subtitle=municipality.name if municipality else district.name,
        current=current, previous=previous,
        current_label=_period_label(date_from, date_to),
        previous_label=_period_label(previous_scope.date_from, previous_scope.date_to),
        municipality_names=output.municipality_names(),
        link=link,
    )
    return render(request, "reports/dashboard.html", {
        "form": form, "document": doc, "district": district, "municipality": municipality,
        "years": range(this_year()[0].year, this_year()[0].year - 5, -1),
    })


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404


def annual_page(request: HttpRequest, district: str, year: int) -> HttpResponse:
    chosen = selectors.district_for(request.user, district)
    _check_year(year)
    figures = output.annual_figures(chosen, year)

    def link(key: str, which: str) -> str:
        y = year if which == "current" else year - 1
        return reverse("reports:records") + "?" + urlencode({
            "figure": key, "district": chosen.slug, "date_from": f"{y}-01-01",
            "date_to": f"{y}-12-31"})

    return render(request, "reports/annual.html", {
        "document": output.annual_document(figures, link), "district": chosen, "year": year,
    })


def annual_download(request: HttpRequest, district: str, year: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    chosen = selectors.district_for(request.user, district)
    _check_year(year)
    if fmt == "json":
        content: bytes = output.render_json(chosen, year).encode()
    else:
        figures = output.annual_figures(chosen, year)
        content = output.render_csv(figures).encode() if fmt == "csv" else \
            output.render_pdf(figures)
    # Aggregates, but a document that leaves the system: the export is on the trail.
    audit_record(actor=request.user, action=Action.EXPORT,  # type: ignore[arg-type]
                 object_type="reports.annual_report", object_id=f"{chosen.slug}/{year}",
                 reason=fmt)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="aarsrapport-{chosen.slug}-{year}.{fmt}"')
    return response


def records(request: HttpRequest) -> HttpResponse:
    district = selectors.district_for(request.user, request.GET.get("district") or None)
    form = PeriodForm(request.GET, district=district)
    key = request.GET.get("figure", "")
    if not form.is_valid():
        raise Http404
    code = form.cleaned_data["municipality"] or ""
    municipality = selectors.municipality_in(district, code) if code else None
    scope = annual.district_scope(district, form.cleaned_data["date_from"],
                                  form.cleaned_data["date_to"], municipality)
    found = selectors.figure_records(user=request.user, key=key, scope=scope)
    if found is None:
        raise Http404
    page = Paginator(found.visible, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.rows_for_display(user=request.user, records=found, page=list(page),
                                      key=key)
    return render(request, "reports/records.html", _records_context(
        key=key, found=found, page=page, rows=rows, scope=scope, district=district,
        municipality=municipality))


def _records_context(**values: Any) -> dict[str, Any]:
    key: str = values["key"]
    label = document.LABELS.get(key)
    if label is None and key.startswith("ukn_screening.by_municipality."):
        label = _("UKN screenings by home municipality (%(figure)s)") % {
            "figure": key.removeprefix("ukn_screening.by_municipality.")}
    return {**values, "label": label or key, "statistics": values["found"].purpose == "statistics"}
