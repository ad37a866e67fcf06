"""The annual report of a district and year in its four formats: JSON (the contract), CSV (the
counts behind every table), HTML and PDF (the readable report with last year beside this year).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from samspil.core.pdf import render_pdf as typst_pdf
from samspil.organisations.models import District, Municipality
from samspil.reports import annual, document

TYPST_TEMPLATE = Path(__file__).resolve().parent / "typst" / "annual.typ"
CSV_HEADER = ("table", "key", "year", "value")


@dataclass(frozen=True)
class AnnualFigures:
    district: District
    year: int
    current: dict[str, Any]
    previous: dict[str, Any]


def annual_figures(district: District, year: int) -> AnnualFigures:
    return AnnualFigures(
        district, year,
        current=annual.figures(annual.year_scope(district, year)),
        previous=annual.figures(annual.year_scope(district, year - 1)),
    )


def municipality_names(codes: set[str] | None = None) -> dict[str, str]:
    queryset = Municipality.objects.all()
    if codes is not None:
        queryset = queryset.filter(code__in=codes)
    return dict(queryset.values_list("code", "name"))


def _codes(*figure_sets: dict[str, Any]) -> set[str]:
    return {row["municipality_code"] for figures in figure_sets
            for row in figures["ukn_screening"]["by_municipality"]}


def annual_document(figures: AnnualFigures, link: document.LinkFor | None = None
                    ) -> document.Document:
    return document.build(
        title=_("The local police's annual report %(year)s") % {"year": figures.year},
        subtitle=figures.district.name,
        current=figures.current,
        previous=figures.previous,
        current_label=str(figures.year),
        previous_label=str(figures.year - 1),
        municipality_names=municipality_names(_codes(figures.current)),
        link=link,
    )


def render_json(district: District, year: int) -> str:
    return annual.dumps(annual.annual_report(district, year))


def render_csv(figures: AnnualFigures) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180, as the bundles
    writer.writerow(CSV_HEADER)
    writer.writerows(document.csv_rows(figures.year, figures.current, figures.year - 1,
                                       figures.previous))
    return buffer.getvalue()


def render_html(figures: AnnualFigures) -> str:
    """A standalone HTML file (the command's --format html): no site chrome, no scripts, no
    styles — the same tables and charts as the page in the web app."""
    return render_to_string("reports/annual_standalone.html", {
        "document": annual_document(figures), "district": figures.district, "year": figures.year,
    })


def render_pdf(figures: AnnualFigures) -> bytes:
    doc = annual_document(figures)
    # A fixed timestamp (1 January after the year) makes the PDF the same bytes for the same data.
    return typst_pdf(TYPST_TEMPLATE, doc.as_data(), assets=doc.assets(),
                     timestamp=datetime(figures.year + 1, 1, 1, tzinfo=UTC))
