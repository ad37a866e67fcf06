from __future__ import annotations

import json
from pathlib import Path

from samspil.reports.seed_check import compare

# The contract in ../shared/spec/, or the copy vendored beside the demo's test for clones that
# have no shared/ beside them (demo/tests/test_seed_figures.py checks the two are equal).
_SHARED_SEED = Path(__file__).resolve().parents[5] / "shared" / "spec" / "seed-figures.json"
_VENDORED_SEED = Path(__file__).resolve().parents[2] / "demo" / "tests" / "seed-figures.json"
SEED_FILE = _SHARED_SEED if _SHARED_SEED.exists() else _VENDORED_SEED

SEED = {
    "district": "midt-vestsjaelland",
    "2025": {
        "victim_followups": 1416,
        "officer_requests.accommodated": 395,
        "social_reports.socialsoeg_share_percent": 26,
        "ukn_screening.within_deadline.10_14_percent": 98,
    },
    "2024": {"victim_followups": 1},
}


def _report(**changes):
    report = {
        "schema": "samspil.annual-report/1", "district": "midt-vestsjaelland", "year": 2025,
        "victim_followups": 1416,
        "officer_requests": {"received": 500, "accommodated": 395},
        "social_reports": {"total": 1146, "from_socialsoeg": 298, "socialsoeg_share": 0.260035},
        "ukn_screening": {"within_deadline": {"10_14": 0.98, "15_17": 0.68}},
    }
    report.update(changes)
    return report


def test_a_report_that_reproduces_the_seed_figures_has_no_differences():
    assert compare(_report(), SEED) == []


def test_a_count_that_differs_is_named_with_both_values():
    assert compare(_report(victim_followups=1415), SEED) == [
        "victim_followups: expected 1416, got 1415"]


def test_shares_are_compared_as_whole_percentages():
    report = _report(social_reports={"total": 10, "from_socialsoeg": 3, "socialsoeg_share": 0.2649})
    assert compare(report, SEED) == []
    report["social_reports"]["socialsoeg_share"] = 0.2651
    assert compare(report, SEED) == [
        "social_reports.socialsoeg_share_percent: expected 26 %, got 27 % (0.2651)"]


def test_a_null_share_and_a_missing_key_are_differences():
    report = _report(ukn_screening={"within_deadline": {"10_14": None}})
    del report["officer_requests"]
    assert compare(report, SEED) == [
        "officer_requests.accommodated: missing from the report (expected 395)",
        "ukn_screening.within_deadline.10_14_percent: expected 98 %, got None (not a share)",
    ]


def test_the_seed_figures_of_the_reports_year_are_used_and_the_district_checked():
    assert compare(_report(year=2024, victim_followups=1), SEED) == []
    assert compare(_report(district="syd-soenderjylland"), SEED) == [
        "district: expected midt-vestsjaelland, got syd-soenderjylland"]
    assert compare(_report(year=2023), SEED) == ["year: the seed figures have no year 2023"]


def test_one_years_figures_can_be_given_directly():
    assert compare(_report(), SEED["2025"]) == []


def test_a_boolean_or_a_float_is_not_a_count():
    assert compare(_report(victim_followups=1416.0), SEED) == [
        "victim_followups: expected 1416, got 1416.0"]


def test_every_key_of_the_real_seed_file_names_a_figure_of_the_report():
    from samspil.reports.tests.test_annual_report_bundle import EXPECTED_2025

    seed = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    differences = compare(EXPECTED_2025, seed)
    assert differences  # the small bundle is not the demo district …
    assert not [d for d in differences if "missing" in d or "not a share" in d]  # … but every
    # key of the seed file exists in the report with the right kind of value
