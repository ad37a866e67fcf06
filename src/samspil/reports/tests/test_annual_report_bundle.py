"""The annual report of a hand-written bundle (bundles/annual_2025) whose every figure was worked
out by hand: every key of the JSON of interchange.md is checked, for 2025 and 2024."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from samspil.organisations.models import District
from samspil.reports import annual
from samspil.reports.document import SHARE_KEYS

pytestmark = pytest.mark.django_db

EXPECTED_2025 = {
    "schema": "samspil.annual-report/1",
    "district": "midt-vestsjaelland",
    "year": 2025,
    # V01 (opened 2024, closed 2025) and V02; not V03 (open), V04 (Esbjerg), V05 (closed 2026).
    "victim_followups": 2,
    # R01 opened 00:30 on 1 January 2025 in Copenhagen (still 2024 in UTC) and R03.
    "victim_support_referrals": 2,
    # B01–B03 opened in 2025; of those only B01 accommodated (B04 was opened in 2024).
    "officer_requests": {"received": 3, "accommodated": 1},
    "restraining_order_requests": 2,
    "area_bans": 1,
    # K01, K02 opened in 2025; mediated K01 and K03 (opened 2024, closed 2025); not K04 (Esbjerg).
    "conflict_mediation": {"referred": 2, "mediated": 2},
    "social_reports": {"total": 4, "from_socialsoeg": 1, "socialsoeg_share": 0.25},
    "psp": {
        # J20, J21, J22, J23 and J25 (00:15 on 1 January in Copenhagen); not J24 (Esbjerg), not
        # J26 (2024), not J27 (not a PSP category).
        "monitored_incidents": 5,
        "monitored_persons": 3,  # P07, P08 (a reporter counts too), P09 (lives in Esbjerg)
        "selected_for_discussion": 2,  # P07 twice, P08; not P09 (Esbjerg)
        "forced_admission_assists": 2,
    },
    "ukn_screening": {
        # U01–U05, U07, U08, U10; not U06 (opened 2024), U09 (Vejen), U11, U12 (2024).
        "cases": 8,
        # U01, U03 (14 at the offence, 15 when the screening opened), U04, U10.
        "under_15": 4,
        "age_15_17": 4,  # U02, U05, U07, U08
        "age_unknown": 0,
        "cases_boys": 5,  # U01, U03, U05, U07, U10 — U04 is gender X: in neither
        "cases_girls": 2,  # U02, U08
        "persons_boys": 4,  # P01, P03, P05, P06
        "persons_girls": 1,  # P02
        # U04's cases.csv crime_class (anden_alvorlig) wins over its category (vandalism: anden).
        "by_crime_class": {"personfarlig": 4, "anden_alvorlig": 3, "anden": 1},
        "referred": 5,  # U01, U03, U04, U05, U08
        "within_deadline": {
            # Closed in 2025, under 15: U01 (17 days), U03 (12), U04 (28).
            "10_14": 1.0,
            # Closed in 2025, 15–17: U05 (day 30), U06 (26, opened 2024), U08 (day 30) within;
            # U07 (day 31) and U02 (day 31 in Copenhagen, day 30 in UTC) not.
            "15_17": 0.6,
            # Opened and closed in 2025: U01, U03, U04, U05, U08 of U01–U05, U07, U08.
            "opened_in_year": 0.714286,
        },
        "by_municipality": [
            {"municipality_code": "259", "own_district": True, "age_group": "under_15",
             "cases": 1, "personfarlig": 0, "anden_alvorlig": 0, "referred": 1},
            {"municipality_code": "265", "own_district": True, "age_group": "under_15",
             "cases": 3, "personfarlig": 2, "anden_alvorlig": 1, "referred": 2},
            {"municipality_code": "316", "own_district": True, "age_group": "age_15_17",
             "cases": 2, "personfarlig": 0, "anden_alvorlig": 2, "referred": 1},
            {"municipality_code": "329", "own_district": True, "age_group": "age_15_17",
             "cases": 1, "personfarlig": 1, "anden_alvorlig": 0, "referred": 0},
            # P05 lives in Vejen (Syd- og Sønderjylland); his screening belongs to Kalundborg.
            {"municipality_code": "575", "own_district": False, "age_group": "age_15_17",
             "cases": 1, "personfarlig": 1, "anden_alvorlig": 0, "referred": 1},
        ],
    },
}

EXPECTED_2024 = {
    "schema": "samspil.annual-report/1",
    "district": "midt-vestsjaelland",
    "year": 2024,
    "victim_followups": 0,
    "victim_support_referrals": 1,  # R02, 23:30 on 31 December 2024
    "officer_requests": {"received": 1, "accommodated": 1},  # B04, accommodated in 2025
    "restraining_order_requests": 1,
    "area_bans": 0,
    "conflict_mediation": {"referred": 1, "mediated": 0},
    "social_reports": {"total": 0, "from_socialsoeg": 0, "socialsoeg_share": None},
    "psp": {"monitored_incidents": 1, "monitored_persons": 1, "selected_for_discussion": 0,
            "forced_admission_assists": 0},
    "ukn_screening": {
        "cases": 3,  # U06, U11, U12
        "under_15": 2,  # U11, U12: no incident, so the age on the day the screening opened
        "age_15_17": 1,
        "age_unknown": 0,
        "cases_boys": 3,
        "cases_girls": 0,
        "persons_boys": 2,
        "persons_girls": 0,
        "by_crime_class": {"personfarlig": 1, "anden_alvorlig": 0, "anden": 2},
        "referred": 1,
        "within_deadline": {
            "10_14": 0.5,  # U12 (19 days) of U11 (45), U12
            "15_17": None,  # nothing aged 15–17 was closed in 2024: no denominator
            "opened_in_year": 0.5,
        },
        "by_municipality": [
            {"municipality_code": "265", "own_district": True, "age_group": "under_15",
             "cases": 2, "personfarlig": 0, "anden_alvorlig": 0, "referred": 1},
            {"municipality_code": "329", "own_district": True, "age_group": "age_15_17",
             "cases": 1, "personfarlig": 1, "anden_alvorlig": 0, "referred": 0},
        ],
    },
}


def _report(year: int, tmp_path) -> dict:
    target = tmp_path / f"report-{year}.json"
    call_command("report", district="midt-vestsjaelland", year=year, output_format="json",
                 out=target)
    return json.loads(target.read_text(encoding="utf-8"))


def test_the_2025_report_of_the_bundle_has_every_figure_worked_out_by_hand(annual_bundle, tmp_path):
    assert _report(2025, tmp_path) == EXPECTED_2025


def test_the_2024_report_counts_the_previous_year_and_a_share_without_denominator_is_null(
        annual_bundle, tmp_path):
    assert _report(2024, tmp_path) == EXPECTED_2024


def test_every_count_is_an_integer_and_every_share_a_fraction_with_six_decimals(
        annual_bundle, tmp_path):
    target = tmp_path / "report.json"
    call_command("report", district="midt-vestsjaelland", year=2025, output_format="json",
                 out=target)
    text = target.read_text(encoding="utf-8")
    assert '"10_14": 1.000000' in text
    assert '"15_17": 0.600000' in text
    assert '"opened_in_year": 0.714286' in text
    assert '"socialsoeg_share": 0.250000' in text
    for key, value in annual.flatten(json.loads(text)).items():
        if key in SHARE_KEYS:
            assert value is None or (isinstance(value, float) and 0 <= value <= 1), key
        elif key not in {"schema", "district"}:
            assert isinstance(value, int), key


def test_the_report_of_another_district_does_not_count_this_districts_records(annual_bundle):
    report = annual.annual_report(District.objects.get(slug="syd-soenderjylland"), 2025)
    assert report["victim_followups"] == 1  # V04, in Esbjerg
    assert report["conflict_mediation"] == {"referred": 1, "mediated": 1}  # K04
    assert report["psp"]["selected_for_discussion"] == 1  # D04
    assert report["ukn_screening"]["cases"] == 1  # U09, in Vejen
    assert report["ukn_screening"]["by_municipality"] == [
        {"municipality_code": "575", "own_district": True, "age_group": "age_15_17",
         "cases": 1, "personfarlig": 1, "anden_alvorlig": 0, "referred": 1}]
    assert report["psp"]["monitored_incidents"] == 1  # J24
