"""The readable report: the figures of a period beside those of the year before, in the sections
of the published annual report, as plain data. The HTML page, the PDF (typst) and the CSV are
three renderings of this one structure, so they cannot disagree.

Every text is translated here (gettext), so the typst template holds no words of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspil.reports import charts
from samspil.reports.annual import AGE_15_17, UNDER_15, flatten

# A function giving the drill-down address of a figure ("current" or "previous" period), or
# None where the rendering has no links (PDF, CSV).
LinkFor = Callable[[str, str], str | None]

SHARE_KEYS = frozenset({
    "social_reports.socialsoeg_share",
    "ukn_screening.within_deadline.10_14",
    "ukn_screening.within_deadline.15_17",
    "ukn_screening.within_deadline.opened_in_year",
})

LABELS: dict[str, Any] = {
    "victim_followups": gettext_lazy("Victim follow-ups"),
    "officer_requests.received": gettext_lazy("Requests through “Order an officer”"),
    "officer_requests.accommodated": gettext_lazy("Requests through “Order an officer” accommodated"),
    "victim_support_referrals": gettext_lazy("Persons referred to Victim Support"),
    "ukn_screening.cases": gettext_lazy("UKN screenings"),
    "ukn_screening.under_15": gettext_lazy("Screenings of children under 15 (suspected)"),
    "ukn_screening.age_15_17": gettext_lazy("Screenings of young people aged 15–17 (charged)"),
    "ukn_screening.cases_boys": gettext_lazy("Screenings concerning boys"),
    "ukn_screening.cases_girls": gettext_lazy("Screenings concerning girls"),
    "ukn_screening.persons_boys": gettext_lazy("Different boys"),
    "ukn_screening.persons_girls": gettext_lazy("Different girls"),
    "ukn_screening.by_crime_class.personfarlig": gettext_lazy("Crime against the person"),
    "ukn_screening.by_crime_class.anden_alvorlig": gettext_lazy("Other serious crime"),
    "ukn_screening.by_crime_class.anden": gettext_lazy("Other crime"),
    "ukn_screening.referred": gettext_lazy("Sent to UKN and/or the prosecution"),
    "ukn_screening.within_deadline.10_14": gettext_lazy("Screened within 30 days, aged 10–14"),
    "ukn_screening.within_deadline.15_17": gettext_lazy("Screened within 30 days, aged 15–17"),
    "ukn_screening.within_deadline.opened_in_year": gettext_lazy(
        "Screened within 30 days, opened and closed in the period"),
    "restraining_order_requests": gettext_lazy("Requests for restraining orders and bans"),
    "social_reports.total": gettext_lazy("Social reports"),
    "social_reports.from_socialsoeg": gettext_lazy("Social reports based on Socialsøg"),
    "social_reports.socialsoeg_share": gettext_lazy("Share based on Socialsøg"),
    "psp.monitored_incidents": gettext_lazy("Incidents monitored (PSP-K)"),
    "psp.monitored_persons": gettext_lazy("Persons in the monitored incidents"),
    "psp.selected_for_discussion": gettext_lazy("Persons selected for discussion"),
    "psp.forced_admission_assists": gettext_lazy("Assistance with forced admissions"),
    "conflict_mediation.referred": gettext_lazy("Cases referred to mediation"),
    "conflict_mediation.mediated": gettext_lazy("Mediations held"),
    "area_bans": gettext_lazy("Area bans for unsafe behaviour"),
}

# (section id, heading, intro, the figures of its comparison table and charts)
SECTIONS: tuple[tuple[str, Any, Any, tuple[str, ...]], ...] = (
    ("lokalpolitiet", gettext_lazy("Local police"),
     gettext_lazy("Victim follow-ups, “Order an officer” and referrals to Victim Support."),
     ("victim_followups", "officer_requests.received", "officer_requests.accommodated",
      "victim_support_referrals")),
    ("boern_og_unge", gettext_lazy("Children and young people"),
     gettext_lazy("Screenings for the Youth Crime Board (UKN): every case where a child aged "
                  "10–14 is suspected or a young person aged 15–17 is charged."),
     ("ukn_screening.cases", "ukn_screening.under_15", "ukn_screening.age_15_17",
      "ukn_screening.cases_boys", "ukn_screening.cases_girls", "ukn_screening.persons_boys",
      "ukn_screening.persons_girls", "ukn_screening.by_crime_class.personfarlig",
      "ukn_screening.by_crime_class.anden_alvorlig", "ukn_screening.by_crime_class.anden",
      "ukn_screening.referred", "ukn_screening.within_deadline.10_14",
      "ukn_screening.within_deadline.15_17", "ukn_screening.within_deadline.opened_in_year")),
    ("naere_relationer", gettext_lazy("Close relationships"),
     gettext_lazy("Restraining orders and social reports to the municipalities."),
     ("restraining_order_requests", "social_reports.total", "social_reports.from_socialsoeg",
      "social_reports.socialsoeg_share")),
    ("saarbare_borgergrupper", gettext_lazy("Vulnerable groups"),
     gettext_lazy("PSP-K: monitored incidents, persons discussed, forced admissions."),
     ("psp.monitored_incidents", "psp.monitored_persons", "psp.selected_for_discussion",
      "psp.forced_admission_assists")),
    ("tryghedsskabende_indsatser", gettext_lazy("Safety measures"),
     gettext_lazy("Victim–offender mediation and area bans."),
     ("conflict_mediation.referred", "conflict_mediation.mediated", "area_bans")),
)

MUNICIPALITY_TABLES = (
    ("ukn_own_under_15", True, UNDER_15, gettext_lazy("Young people under 15 from own municipalities")),
    ("ukn_own_15_17", True, AGE_15_17, gettext_lazy("Young people over 15 from own municipalities")),
    ("ukn_other_under_15", False, UNDER_15,
     gettext_lazy("Young people under 15 from other municipalities")),
    ("ukn_other_15_17", False, AGE_15_17,
     gettext_lazy("Young people over 15 from other municipalities")),
)
MUNICIPALITY_COLUMNS = ("cases", "personfarlig", "anden_alvorlig", "referred")


@dataclass
class Cell:
    text: str
    url: str | None = None


@dataclass
class Row:
    label: str
    key: str
    cells: list[Cell]


@dataclass
class Table:
    id: str
    caption: str
    columns: list[str]
    rows: list[Row]


@dataclass
class Chart:
    id: str
    title: str
    svg: str


@dataclass
class Section:
    id: str
    heading: str
    intro: str
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: str
    current_label: str
    previous_label: str
    sections: list[Section]

    def as_data(self) -> dict[str, Any]:
        """Plain JSON-able data for the typst template (no URLs, no SVG: charts are assets)."""
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "sections": [
                {
                    "heading": s.heading,
                    "intro": s.intro,
                    "tables": [
                        {"caption": t.caption, "columns": t.columns,
                         "rows": [[r.label, *(c.text for c in r.cells)] for r in t.rows]}
                        for t in s.tables
                    ],
                    "charts": [{"file": f"{c.id}.svg", "title": c.title} for c in s.charts],
                }
                for s in self.sections
            ],
        }

    def assets(self) -> dict[str, bytes]:
        return {f"{c.id}.svg": c.svg.encode() for s in self.sections for c in s.charts}


def format_count(value: int | None) -> str:
    return "–" if value is None else number_format(value, force_grouping=True)


def format_share(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)} %"


def format_value(key: str, value: Any) -> str:
    return format_share(value) if key in SHARE_KEYS else format_count(value)


def format_change(key: str, previous: Any, current: Any) -> str:
    if previous is None or current is None:
        return "–"
    if key in SHARE_KEYS:
        points = round(100 * current) - round(100 * previous)
        return _("%(points)s percentage points") % {"points": f"{points:+d}"}
    difference = current - previous
    sign = "+" if difference > 0 else ("-" if difference < 0 else "±")
    return f"{sign}{number_format(abs(difference), force_grouping=True)}"


def build(
    *,
    title: str,
    subtitle: str,
    current: dict[str, Any],
    previous: dict[str, Any],
    current_label: str,
    previous_label: str,
    municipality_names: dict[str, str],
    link: LinkFor | None = None,
) -> Document:
    """The document for `current` figures (annual.figures) beside `previous` ones."""
    now, before = flatten(current), flatten(previous)

    def url(key: str, which: str) -> str | None:
        return link(key, which) if link else None

    sections = []
    for section_id, heading, intro, keys in SECTIONS:
        rows = [
            Row(str(LABELS[key]), key, [
                Cell(format_value(key, before.get(key)), url(key, "previous")),
                Cell(format_value(key, now.get(key)), url(key, "current")),
                Cell(format_change(key, before.get(key), now.get(key))),
            ])
            for key in keys
        ]
        section = Section(section_id, str(heading), str(intro), tables=[Table(
            f"{section_id}-figures", str(heading),
            [_("Figure"), previous_label, current_label, _("Change")], rows,
        )])
        section.charts.extend(_comparison_charts(section_id, str(heading), keys, now, before,
                                                 current_label, previous_label))
        if section_id == "boern_og_unge":
            _municipality_tables(section, current, municipality_names, url)
        sections.append(section)
    return Document(title, subtitle, current_label, previous_label, sections)


def _comparison_charts(section_id: str, heading: str, keys: Sequence[str], now: dict[str, Any],
                       before: dict[str, Any], current_label: str, previous_label: str
                       ) -> list[Chart]:
    result = []
    for suffix, chosen in (
        ("counts", [k for k in keys if k not in SHARE_KEYS]),
        ("shares", [k for k in keys if k in SHARE_KEYS]),
    ):
        if not chosen:
            continue
        scale = 100.0 if suffix == "shares" else 1.0

        def values(figures: dict[str, Any], chosen: list[str] = chosen, scale: float = scale
                   ) -> list[float | None]:
            return [None if figures.get(k) is None else figures[k] * scale for k in chosen]

        def label(value: float | None, suffix: str = suffix) -> str:
            if value is None:
                return "–"
            return f"{round(value)} %" if suffix == "shares" else format_count(round(value))

        chart_id = f"chart-{section_id}-{suffix}"
        title = heading if suffix == "counts" else _("%(heading)s: shares") % {"heading": heading}
        result.append(Chart(chart_id, title, charts.bar_chart(
            chart_id=chart_id,
            title=title,
            description=_("%(previous)s beside %(current)s for each figure.")
            % {"previous": previous_label, "current": current_label},
            categories=[str(LABELS[k]) for k in chosen],
            series=[
                charts.Series(previous_label, values(before), charts.PREVIOUS_YEAR_FILL),
                charts.Series(current_label, values(now), charts.PALETTE[0]),
            ],
            value_label=label,
        )))
    return result


def _municipality_tables(section: Section, current: dict[str, Any], names: dict[str, str],
                         url: Callable[[str, str], str | None]) -> None:
    rows_all = current["ukn_screening"]["by_municipality"]
    columns = [_("Municipality"), _("Cases"), str(LABELS["ukn_screening.by_crime_class.personfarlig"]),
               str(LABELS["ukn_screening.by_crime_class.anden_alvorlig"]),
               str(LABELS["ukn_screening.referred"])]
    for table_id, own, group, caption in MUNICIPALITY_TABLES:
        chosen = sorted(
            (r for r in rows_all if r["own_district"] == own and r["age_group"] == group),
            key=lambda r: (names.get(r["municipality_code"], r["municipality_code"]),
                           r["municipality_code"]),
        )
        rows = []
        for r in chosen:
            code = r["municipality_code"]
            base = f"ukn_screening.by_municipality.{code}.{group}"
            rows.append(Row(names.get(code, code), base, [
                Cell(format_count(r[column]), url(f"{base}.{column}", "current"))
                for column in MUNICIPALITY_COLUMNS
            ]))
        totals = [sum(r[column] for r in chosen) for column in MUNICIPALITY_COLUMNS]
        rows.append(Row(_("Total"), "", [Cell(format_count(t)) for t in totals]))
        section.tables.append(Table(table_id, str(caption), columns, rows))
        if chosen:
            chart_id = f"chart-{table_id}"
            section.charts.append(Chart(chart_id, str(caption), charts.bar_chart(
                chart_id=chart_id,
                title=str(caption),
                description=_("Screenings by home municipality: crime against the person, other "
                              "serious crime, and cases sent to UKN and/or the prosecution."),
                categories=[names.get(r["municipality_code"], r["municipality_code"])
                            for r in chosen],
                series=[
                    charts.Series(columns[2], [r["personfarlig"] for r in chosen],
                                  charts.PALETTE[1]),
                    charts.Series(columns[3], [r["anden_alvorlig"] for r in chosen],
                                  charts.PALETTE[2]),
                    charts.Series(columns[4], [r["referred"] for r in chosen], charts.PALETTE[0]),
                ],
                value_label=lambda v: format_count(None if v is None else round(v)),
            )))


def csv_rows(current_year: int, current: dict[str, Any], previous_year: int,
             previous: dict[str, Any]) -> list[tuple[str, str, int, str]]:
    """(table, key, year, value) for every figure behind the report's tables, both years; a
    share is a fraction with six decimals, an absent share (no denominator) an empty value."""
    tables = {key: section_id for section_id, _h, _i, keys in SECTIONS for key in keys}
    rows: list[tuple[str, str, int, str]] = []
    for year, figures in ((previous_year, previous), (current_year, current)):
        for key, value in flatten(figures).items():
            if key.startswith("ukn_screening.by_municipality."):
                _p, _b, code, group, _c = key.split(".")
                own = code in {r["municipality_code"] for r in figures["ukn_screening"][
                    "by_municipality"] if r["own_district"]}
                table = next(t for t, o, g, _cap in MUNICIPALITY_TABLES if o == own and g == group)
            else:
                table = tables.get(key, "boern_og_unge" if key.startswith("ukn_") else "other")
            text = "" if value is None else (f"{value:.6f}" if isinstance(value, float)
                                             else str(int(value)))
            rows.append((table, key, year, text))
    return sorted(rows, key=lambda r: (r[2], r[0], r[1]))
