"""Measured indicators: they follow the data (also data that arrives by import), compare the
year with the year before, and their parameters are checked by their kind."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from samspil.interchange.services import bundle_import
from samspil.organisations.models import Municipality
from samspil.plans import services
from samspil.plans.constants import IndicatorMode, TargetDirection
from samspil.plans.indicators import (
    assess,
    indicator_measurement,
    periods_for,
    validate_parameters,
)
from samspil.plans.models import Indicator
from samspil.plans.tests.conftest import (
    CASES_HEADER,
    PERSONS_HEADER,
    burglary_bundle_files,
)

pytestmark = pytest.mark.django_db

AFTER_2025 = date(2026, 1, 15)


def _measure(indicator: Indicator, today: date = AFTER_2025):
    indicator = Indicator.objects.select_related("focus_area__plan__district",
                                                 "focus_area__plan__municipality").get(
        pk=indicator.pk)
    return indicator_measurement(indicator, today=today)


def test_a_measured_indicator_changes_when_new_incidents_are_imported(
        administrator, police, burglaries, bundle):
    first = bundle_import(actor=administrator, organisation=police, is_synthetic=True,
                          path=bundle(burglary_bundle_files([
                              ("PL-2024-1", "2024-02-01T10:00:00", "265"),
                              ("PL-2024-2", "2024-05-01T10:00:00", "265"),
                              ("PL-2024-3", "2024-09-01T10:00:00", "265"),
                              ("PL-2025-1", "2025-03-01T10:00:00", "265"),
                          ])))
    assert first.ok, first.problems
    before = _measure(burglaries)
    assert (before.value, before.comparison_value) == (1, 3)
    assert before.change == -2 and before.on_target is True

    second = bundle_import(actor=administrator, organisation=police, is_synthetic=True,
                           path=bundle(burglary_bundle_files([
                               ("PL-2025-2", "2025-06-01T10:00:00", "265"),
                               ("PL-2025-3", "2025-07-01T10:00:00", "265"),
                               ("PL-2025-4", "2025-12-31T23:30:00", "265"),
                               # Another municipality's burglary is not Roskilde's figure.
                               ("PL-2025-5", "2025-08-01T10:00:00", "259"),
                           ])))
    assert second.ok, second.problems
    after = _measure(burglaries)
    assert (after.value, after.comparison_value) == (4, 3)
    assert after.change == 1 and after.relative_change == pytest.approx(0.3333)
    assert after.on_target is False  # more burglaries than the year before


def test_the_running_year_is_compared_with_the_same_days_of_the_year_before():
    this, previous = periods_for(2025, date(2025, 3, 31))
    assert (this.date_from, this.date_to) == (date(2025, 1, 1), date(2025, 3, 31))
    assert (previous.date_from, previous.date_to) == (date(2024, 1, 1), date(2024, 3, 31))
    this, previous = periods_for(2024, date(2024, 2, 29))
    assert previous.date_to == date(2023, 2, 28)
    this, previous = periods_for(2024, date(2026, 1, 1))
    assert (this.date_to, previous.date_to) == (date(2024, 12, 31), date(2023, 12, 31))


def test_year_over_year_uses_only_the_days_so_far_while_the_year_runs(
        administrator, police, burglaries, bundle):
    assert bundle_import(actor=administrator, organisation=police, is_synthetic=True,
                         path=bundle(burglary_bundle_files([
                             ("PL-A", "2024-02-01T10:00:00", "265"),
                             ("PL-B", "2024-11-01T10:00:00", "265"),
                             ("PL-C", "2025-02-01T10:00:00", "265"),
                         ]))).ok
    in_march = _measure(burglaries, today=date(2025, 3, 1))
    assert (in_march.value, in_march.comparison_value) == (1, 1)  # November 2024 not yet
    assert in_march.on_target is False  # not fewer
    after = _measure(burglaries)
    assert (after.value, after.comparison_value) == (1, 2)


def test_assessment_follows_direction_and_target():
    fewer = assess(8, 10, direction=TargetDirection.DECREASE)
    assert (fewer.change, fewer.relative_change, fewer.on_target) == (-2, -0.2, True)
    assert assess(10, 10, direction=TargetDirection.DECREASE).on_target is False
    assert assess(12, 10, direction=TargetDirection.INCREASE).on_target is True
    assert assess(12, 10, direction=TargetDirection.DECREASE, target=12).on_target is True
    assert assess(0.85, 0.7, direction=TargetDirection.INCREASE, target=0.9).on_target is False
    assert assess(3, 0, direction=TargetDirection.INCREASE).relative_change is None
    nothing = assess(None, 4, direction=TargetDirection.DECREASE)
    assert (nothing.change, nothing.on_target) == (None, None)
    assert assess(4, None, direction=TargetDirection.DECREASE).on_target is None


@pytest.mark.parametrize(("kind", "parameters", "field"), [
    ("no_such_kind", {}, "kind"),
    ("incident_count", {}, "parameters"),
    ("incident_count", {"categories": ["nonsense"]}, "parameters"),
    ("incident_count", {"categories": ["burglary"], "colour": "red"}, "parameters"),
    ("incident_count", {"categories": ["burglary"], "municipality_code": "575"}, "parameters"),
    ("incident_count", {"categories": ["burglary"], "municipality_code": "259"}, "parameters"),
    ("incident_count", ["burglary"], "parameters"),
    ("case_count", {"case_type": "no_such_type"}, "parameters"),
    ("case_count", {"case_type": "social_report", "origin": "talk_burglary"}, "parameters"),
    ("case_count", {"case_type": "social_report", "outcome": "granted"}, "parameters"),
    ("case_share_within_deadline", {"days": 0}, "parameters"),
    ("case_share_within_deadline", {"days": "30"}, "parameters"),
])
def test_indicator_kinds_refuse_parameters_that_do_not_fit(plan, kind, parameters, field):
    with pytest.raises(ValidationError) as error:
        validate_parameters(kind, parameters, district=plan.district,
                            municipality=plan.municipality)
    assert field in error.value.message_dict


def test_indicator_kinds_clean_the_parameters_they_accept(plan, district):
    assert validate_parameters("incident_count", {"categories": ["theft", "burglary", "theft"]},
                               district=district, municipality=plan.municipality) == {
        "categories": ["burglary", "theft"]}
    assert validate_parameters("case_share_within_deadline", {}, district=district,
                               municipality=None) == {"case_type": "ukn_screening", "days": 30}
    assert validate_parameters("case_count", {"case_type": "social_report",
                                              "origin": "socialsoeg", "municipality_code": "259"},
                               district=district, municipality=None) == {
        "case_type": "social_report", "origin": "socialsoeg", "municipality_code": "259"}


def test_a_measured_indicator_without_a_direction_or_kind_is_refused(officer, area):
    with pytest.raises(ValidationError) as error:
        services.indicator_add(actor=officer, focus_area=area, title="Færre indbrud",
                               mode=IndicatorMode.MEASURED, kind="incident_count",
                               parameters={"categories": ["burglary"]})
    assert "direction" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.indicator_add(actor=officer, focus_area=area, title="Færre indbrud",
                               mode=IndicatorMode.MEASURED, direction="decrease")
    assert "kind" in error.value.message_dict


def test_a_described_indicator_keeps_no_query(officer, burglaries):
    text = services.indicator_update(actor=officer, indicator=burglaries,
                                     mode=IndicatorMode.TEXT, assessment="Nabohjælp kører.")
    assert (text.kind, text.parameters, text.target_value) == ("", {}, None)
    assert _measure(text) is None


def _case_bundle(rows: list[str]) -> dict[str, str]:
    persons = PERSONS_HEADER + "".join(
        f"PC{n},,Fiktiv,Sagsen,2011-0{n}-01,M,265,,\r\n" for n in range(1, 7))
    return {"persons.csv": persons, "cases.csv": CASES_HEADER + "".join(rows)}


def test_case_indicators_count_social_reports_and_the_share_within_deadline(
        officer, administrator, police, area, bundle):
    result = bundle_import(actor=administrator, organisation=police, is_synthetic=True,
                           path=bundle(_case_bundle([
                               "S1,social_report,265,PC1,,2025-02-01T10:00:00,,,socialsoeg,\r\n",
                               "S2,social_report,265,PC2,,2025-03-01T10:00:00,,,patrol,\r\n",
                               "S3,social_report,265,PC3,,2024-03-01T10:00:00,,,socialsoeg,\r\n",
                               "S4,social_report,265,PC4,,2025-04-01T10:00:00,,,socialsoeg,\r\n",
                               # within 30 days, 31 days late, closed in 2024 (not counted)
                               "U1,ukn_screening,265,PC1,,2025-01-01T10:00:00,"
                               "2025-01-31T10:00:00,not_relevant,,anden\r\n",
                               "U2,ukn_screening,265,PC2,,2025-03-01T10:00:00,"
                               "2025-04-01T10:00:00,referred_ukn,,anden\r\n",
                               "U3,ukn_screening,265,PC3,,2024-11-01T10:00:00,"
                               "2024-11-05T10:00:00,not_relevant,,anden\r\n",
                           ])))
    assert result.ok, result.problems
    reports = services.indicator_add(
        actor=officer, focus_area=area, title="Socialrapporter fra Socialsøg",
        mode=IndicatorMode.MEASURED, kind="case_count",
        parameters={"case_type": "social_report", "origin": "socialsoeg"},
        direction=TargetDirection.INCREASE)
    measured = _measure(reports)
    assert (measured.value, measured.comparison_value, measured.on_target) == (2, 1, True)

    share = services.indicator_add(
        actor=officer, focus_area=area, title="UKN-screeninger inden for 30 dage",
        mode=IndicatorMode.MEASURED, kind="case_share_within_deadline",
        parameters={"case_type": "ukn_screening"}, direction=TargetDirection.INCREASE,
        target_value=0.9)
    measured = _measure(share)
    assert (measured.value, measured.comparison_value) == (0.5, 1.0)
    assert (measured.unit, measured.on_target) == ("share", False)


def test_a_district_plan_counts_every_municipality_of_the_district(
        officer, administrator, police, district, bundle, fora):
    plan = services.plan_create(actor=officer, year=2025, district=district,
                                title="Kredsens plan 2025")
    area = services.focus_area_add(actor=officer, plan=plan, title="Indbrud")
    whole = services.indicator_add(actor=officer, focus_area=area, title="Indbrud i kredsen",
                                   mode=IndicatorMode.MEASURED, kind="incident_count",
                                   parameters={"categories": ["burglary"]},
                                   direction=TargetDirection.DECREASE)
    koege = services.indicator_add(actor=officer, focus_area=area, title="Indbrud i Køge",
                                   mode=IndicatorMode.MEASURED, kind="incident_count",
                                   parameters={"categories": ["burglary"],
                                               "municipality_code": "259"},
                                   direction=TargetDirection.DECREASE)
    assert bundle_import(actor=administrator, organisation=police, is_synthetic=True,
                         path=bundle(burglary_bundle_files([
                             ("PL-R", "2025-02-01T10:00:00", "265"),
                             ("PL-K", "2025-02-01T10:00:00", "259"),
                             ("PL-V", "2025-02-01T10:00:00", "575"),  # another district
                         ]))).ok
    assert _measure(whole).value == 2
    assert _measure(koege).value == 1
    assert Municipality.objects.get(code="575").district_id != district.pk
