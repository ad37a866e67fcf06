"""Who sees the figures, and the lists behind them: analysts and prevention officers of the
district only; outsiders from another district are refused on every page and endpoint; the lists
go through the access policy and show persons pseudonymised for statistics."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.cases.models import Case
from samspil.reports.tests.test_annual_report_bundle import EXPECTED_2025

pytestmark = pytest.mark.django_db

YEAR_2025 = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
ANNUAL = ("midt-vestsjaelland", 2025)
OUR_SCREENINGS = [f"RPT-U{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12)]


def _pages():
    return [
        reverse("reports:dashboard") + "?district=midt-vestsjaelland",
        reverse("reports:annual", args=ANNUAL),
        *(reverse("reports:annual_download", args=[*ANNUAL, fmt]) for fmt in ("pdf", "csv", "json")),
        reverse("api-reports-annual") + "?district=midt-vestsjaelland&year=2025",
        reverse("reports:records") + "?figure=ukn_screening.cases&district=midt-vestsjaelland",
        reverse("api-reports-records") + "?figure=ukn_screening.cases&district=midt-vestsjaelland",
    ]


def test_an_analyst_sees_the_dashboard_with_links_to_the_records_behind_each_number(
        annual_bundle, analyst, client_for):
    response = client_for(analyst).get(reverse("reports:dashboard"), YEAR_2025)
    assert response.status_code == 200
    html = response.content.decode()
    assert "UKN-screeninger" in html and "Unge over 15 fra andre kommuner" in html
    assert "figure=ukn_screening.under_15" in html
    assert "figure=ukn_screening.by_municipality.575.age_15_17.cases" in html
    assert "<svg" in html and "style=" not in html.split("<main", 1)[-1]


def test_a_municipality_of_the_district_narrows_the_figures(annual_bundle, analyst, client_for):
    response = client_for(analyst).get(reverse("reports:dashboard"),
                                       {**YEAR_2025, "municipality": "326"})
    assert response.status_code == 200
    # Kalundborg: only U05, whose boy lives in Vejen (another district).
    assert "figure=ukn_screening.by_municipality.575.age_15_17.cases" in response.content.decode()
    assert "figure=ukn_screening.by_municipality.265.under_15.cases" not in \
        response.content.decode()


def test_a_prevention_officer_sees_the_annual_report_page_and_its_downloads(
        annual_bundle, officer, client_for):
    client = client_for(officer)
    assert client.get(reverse("reports:annual", args=ANNUAL)).status_code == 200
    pdf = client.get(reverse("reports:annual_download", args=[*ANNUAL, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="export", object_type="reports.annual_report").exists()


@pytest.mark.parametrize("who", ["outsider", "outsider_analyst"])
def test_an_outsider_from_another_district_is_refused_on_every_page_and_endpoint(
        annual_bundle, who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    for url in _pages():
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"RPT-" not in response.content and b"Roskilde" not in response.content
    assert AuditEntry.objects.filter(action="read_denied", object_type="reports.report").exists()


@pytest.mark.parametrize("who", ["outsider", "outsider_analyst"])
def test_an_outsider_never_gets_this_districts_records_or_municipalities(
        annual_bundle, who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    # Their own district's list of the figure: at most U09 (Vejen, their district), never ours.
    response = client.get(reverse("reports:records"), {"figure": "ukn_screening.cases",
                                                      **YEAR_2025})
    assert response.status_code == 200
    assert not [ref for ref in OUR_SCREENINGS if ref.encode() in response.content]
    assert client.get(reverse("reports:records"), {"figure": "ukn_screening.cases",
                                                  "municipality": "265", **YEAR_2025}
                      ).status_code == 404
    api = client.get(reverse("api-reports-records"), {"figure": "ukn_screening.cases",
                                                      "municipality": "265", **YEAR_2025})
    assert api.status_code == 404
    api = client.get(reverse("api-reports-records"), {"figure": "ukn_screening.cases",
                                                      **YEAR_2025})
    assert api.status_code == 200
    assert {row["reference"] for row in api.json()["results"]} <= {"RPT-U09"}
    assert api.json()["total"] == 1


@pytest.mark.parametrize("who", ["dpo", "caseworker"])
def test_roles_without_figures_are_refused(annual_bundle, who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:records"), {"figure": "victim_followups"}
                      ).status_code == 403
    assert client.get(reverse("api-reports-annual"),
                      {"district": "midt-vestsjaelland", "year": 2025}).status_code == 403


def test_an_analyst_sees_the_records_pseudonymised(annual_bundle, analyst, client_for):
    response = client_for(analyst).get(reverse("reports:records"), {
        "figure": "ukn_screening.under_15", **YEAR_2025})
    html = response.content.decode()
    assert response.status_code == 200
    for ref in ("RPT-U01", "RPT-U03", "RPT-U04", "RPT-U10"):
        assert ref in html
    assert "RPT-U02" not in html
    assert "RPT-P01" in html and "Anton" not in html and "Testdreng" not in html
    shown = AuditEntry.objects.filter(action="search", purpose="statistics",
                                      reason="report figure ukn_screening.under_15")
    # A list read is one entry per record type, naming every record shown (audit.object_ids).
    logged = {record_id for entry in shown for record_id in (entry.object_ids or [entry.object_id])}
    assert logged == {
        str(pk) for pk in Case.objects.filter(
            case_ref__in=["RPT-U01", "RPT-U03", "RPT-U04", "RPT-U10"]).values_list("pk", flat=True)}


def test_a_year_out_of_range_is_not_found(annual_bundle, analyst, client_for):
    url = reverse("reports:annual", args=["midt-vestsjaelland", 0])
    assert client_for(analyst).get(url).status_code == 404


def test_a_municipal_analyst_reads_the_districts_records_for_statistics(
        annual_bundle, municipal_analyst, client_for):
    response = client_for(municipal_analyst).get(reverse("api-reports-records"), {
        "figure": "ukn_screening.within_deadline.15_17", **YEAR_2025})
    data = response.json()
    assert response.status_code == 200 and data["purpose"] == "statistics"
    assert sorted(r["reference"] for r in data["results"]) == [
        "RPT-U02", "RPT-U05", "RPT-U06", "RPT-U07", "RPT-U08"]
    assert {r["person"] for r in data["results"]} == {"RPT-P02", "RPT-P05", "RPT-P06"}


def test_an_officer_sees_names_but_only_of_the_records_his_organisation_may_read(
        annual_bundle, officer, roskilde, client_for):
    # A screening owned by the municipality: counted in the figure, not in the officer's list.
    Case.objects.filter(case_ref="RPT-U04").update(owner_organisation=roskilde)
    response = client_for(officer).get(reverse("api-reports-records"), {
        "figure": "ukn_screening.under_15", **YEAR_2025})
    data = response.json()
    assert data["purpose"] == "casework" and data["total"] == 4 and data["visible"] == 3
    assert sorted(r["reference"] for r in data["results"]) == ["RPT-U01", "RPT-U03", "RPT-U10"]
    assert "Anton Testdreng" in {r["person"] for r in data["results"]}
    page = client_for(officer).get(reverse("reports:records"), {
        "figure": "ukn_screening.under_15", **YEAR_2025}).content.decode()
    assert "RPT-U04" not in page and "Anton Testdreng" in page


def test_the_incident_lists_behind_the_psp_figures(annual_bundle, analyst, client_for):
    data = client_for(analyst).get(reverse("api-reports-records"), {
        "figure": "psp.forced_admission_assists", **YEAR_2025}).json()
    assert data["kind"] == "incident"
    assert sorted(r["reference"] for r in data["results"]) == ["RPT-J22", "RPT-J23"]


def test_an_unknown_figure_is_not_found(annual_bundle, analyst, client_for):
    client = client_for(analyst)
    assert client.get(reverse("reports:records"), {"figure": "nothing"}).status_code == 404
    assert client.get(reverse("reports:records"), {
        "figure": "ukn_screening.by_municipality.265.adults.cases"}).status_code == 404


def test_the_api_returns_the_annual_report_of_the_callers_own_district(
        annual_bundle, analyst, client_for):
    response = client_for(analyst).get(reverse("api-reports-annual"),
                                       {"district": "midt-vestsjaelland", "year": 2025})
    assert response.status_code == 200
    assert response.json() == EXPECTED_2025


def test_the_figures_are_in_the_menu_of_analysts_and_officers_only(
        annual_bundle, analyst, dpo, client_for):
    url = reverse("reports:dashboard")
    assert f'href="{url}"' in client_for(analyst).get(reverse("web:home")).content.decode()
    assert f'href="{url}"' not in client_for(dpo).get(reverse("web:home")).content.decode()
