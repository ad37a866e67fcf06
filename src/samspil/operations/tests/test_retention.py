"""Retention: what has expired is erased in audited batches, what is still needed stays."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from samspil.access.models import AccessGrant, Disclosure
from samspil.audit.models import AuditEntry
from samspil.audit.verify import audit_verify
from samspil.incidents.models import Incident, Involvement
from samspil.operations.retention import RULES, RetentionRule, retention_run
from samspil.operations.tests.conftest import ensure_categories, roskilde_municipality
from samspil.persons.models import NameToken, Person, Relation

pytestmark = pytest.mark.django_db

LONG_AGO = datetime(2018, 1, 10, 11, 0, tzinfo=UTC)
TODAY = datetime(2025, 6, 1, 11, 0, tzinfo=UTC)


def register(officer: Any, given: str, born: date = date(1980, 1, 1)) -> Person:
    from samspil.persons.services import person_register

    return person_register(actor=officer, given_name=given, family_name="Testesen",
                           municipality=roskilde_municipality(), birth_date=born,
                           is_synthetic=True)


def incident(officer: Any, number: int, involvements: Any) -> Incident:
    from samspil.incidents.services import incident_register

    return incident_register(actor=officer, journal_no=f"0100-88880-{number:05d}-18",
                             occurred_at=timezone.now(), category="burglary",
                             municipality=roskilde_municipality(), involvements=involvements,
                             is_synthetic=True)


@pytest.fixture
def old_matter(officer: Any, roskilde: Any) -> dict[str, Any]:
    """A 2018 burglary, a closed case about it, the charged man's child and the victim."""
    from samspil.access.services import disclosure_create
    from samspil.cases.services import case_open, case_transition

    ensure_categories()
    with time_machine.travel(LONG_AGO, tick=False):
        parent = register(officer, "Forælder")
        child = register(officer, "Barn", date(2012, 2, 2))
        victim = register(officer, "Offer")
        from samspil.persons.services import relation_add

        relation_add(actor=officer, person=parent, related_person=child, kind="parent_of")
        burglary = incident(officer, 1, [(parent, "charged"), (victim, "victim")])
        case = case_open(actor=officer, case_type="ukn_screening",
                         municipality=roskilde_municipality(), person=parent, incident=burglary,
                         crime_class="anden_alvorlig")
        case_transition(actor=officer, case=case, action="screen", outcome="not_relevant")
        disclosure = disclosure_create(actor=officer, subject=victim, to_organisation=roskilde,
                                       legal_basis="rpl_115_1_1", purpose="SSP",
                                       shared="Navn", expires_at=LONG_AGO + timedelta(days=30))
    return {"parent": parent, "child": child, "victim": victim, "incident": burglary,
            "case": case, "disclosure": disclosure}


@pytest.fixture
def current_matter(officer: Any) -> dict[str, Any]:
    """A 2025 incident, and a relative of its suspect with no record of her own."""
    from samspil.persons.services import relation_add

    ensure_categories()
    with time_machine.travel(TODAY - timedelta(days=200), tick=False):
        suspect = register(officer, "Nutid")
        sister = register(officer, "Søster")
        relation_add(actor=officer, person=suspect, related_person=sister, kind="sibling")
        recent = incident(officer, 2, [(suspect, "suspect")])
    return {"suspect": suspect, "sister": sister, "incident": recent}


def test_an_old_closed_matter_is_erased_and_a_current_one_stays(old_matter, current_matter):
    from samspil.cases.models import Case, CaseStatusChange

    with time_machine.travel(TODAY, tick=False):
        outcomes = {o.rule: o for o in retention_run()}

    assert outcomes["closed_cases"].ids == [old_matter["case"].pk]
    assert not Case.objects.filter(pk=old_matter["case"].pk).exists()
    assert not CaseStatusChange.objects.filter(case_id=old_matter["case"].pk).exists()
    assert outcomes["incidents"].ids == [old_matter["incident"].pk]
    assert not Involvement.objects.filter(incident_id=old_matter["incident"].pk).exists()
    erased = {old_matter[k].pk for k in ("parent", "child", "victim")}
    assert set(outcomes["persons"].ids) == erased
    assert not Person.objects.filter(pk__in=erased).exists()
    assert not NameToken.objects.filter(person_id__in=erased).exists()
    # The current matter, and the sister whose brother stays, are untouched.
    assert Incident.objects.filter(pk=current_matter["incident"].pk).exists()
    assert Person.objects.filter(pk__in=[current_matter["suspect"].pk,
                                         current_matter["sister"].pk]).count() == 2
    assert Relation.objects.filter(person=current_matter["suspect"]).exists()
    assert not AccessGrant.objects.filter(source=f"cases.case:{old_matter['case'].pk}").exists()
    assert audit_verify().ok


def test_every_batch_is_one_audit_entry_with_the_count_and_the_ids(old_matter, current_matter):
    with time_machine.travel(TODAY, tick=False):
        retention_run(batch_size=2)
    entries = AuditEntry.objects.filter(reason="retention: persons").order_by("seq")
    assert [e.changes["count"] for e in entries] == [2, 1]
    assert sorted(i for e in entries for i in e.changes["ids"]) == sorted(
        old_matter[k].pk for k in ("parent", "child", "victim"))
    entry = entries[0]
    assert (entry.action, entry.object_type, entry.actor_username) == (
        "delete", "persons.person", "samspil-retention")
    assert entry.changes["deleted_rows"]["persons.person"] == 2


def test_a_dry_run_counts_but_erases_and_audits_nothing(old_matter, current_matter):
    entries = AuditEntry.objects.count()
    with time_machine.travel(TODAY, tick=False):
        outcomes = {o.rule: o for o in retention_run(dry_run=True)}
    assert outcomes["closed_cases"].erased == 1
    assert AuditEntry.objects.count() == entries
    assert Person.objects.filter(pk=old_matter["parent"].pk).exists()


def test_an_incident_a_case_still_refers_to_is_kept(old_matter, settings):
    settings.SAMSPIL_RETENTION_DAYS = {"closed_cases": 10 * 365}
    with time_machine.travel(TODAY, tick=False):
        outcomes = {o.rule: o for o in retention_run()}
    assert outcomes["closed_cases"].erased == 0
    assert outcomes["incidents"].erased == 0
    assert outcomes["incidents"].kept_referenced == 1
    # The child has no record, but her parent (in the case) stays, so she does too.
    assert outcomes["persons"].erased == 0


def test_an_expired_disclosure_loses_its_grant_but_its_record_is_kept(old_matter):
    disclosure = old_matter["disclosure"]
    assert AccessGrant.objects.filter(disclosure=disclosure).exists()
    with time_machine.travel(LONG_AGO + timedelta(days=31), tick=False):
        outcomes = {o.rule: o for o in retention_run()}
    assert outcomes["expired_grants"].erased == 1
    assert not AccessGrant.objects.filter(disclosure=disclosure).exists()
    assert Disclosure.objects.filter(pk=disclosure.pk).exists()
    assert outcomes["closed_cases"].erased == 0


def test_the_record_of_a_disclosure_goes_after_five_years(old_matter):
    with time_machine.travel(TODAY, tick=False):
        outcomes = {o.rule: o for o in retention_run()}
    assert outcomes["disclosures"].ids == [old_matter["disclosure"].pk]


def test_a_period_can_be_set_per_case_type(old_matter, settings):
    settings.SAMSPIL_RETENTION_DAYS = {"closed_cases": 10 * 365,
                                       "closed_cases.ukn_screening": 365}
    with time_machine.travel(TODAY, tick=False):
        outcomes = {o.rule: o for o in retention_run()}
    assert outcomes["closed_cases"].erased == 1


def test_a_period_can_be_set_in_the_environment(old_matter, monkeypatch):
    monkeypatch.setenv("SAMSPIL_RETENTION_CLOSED_CASES_UKN_SCREENING_DAYS", "4000")
    with time_machine.travel(TODAY, tick=False):
        outcomes = {o.rule: o for o in retention_run()}
    assert outcomes["closed_cases"].erased == 0


def test_a_rule_for_a_model_that_is_not_installed_is_skipped():
    rule = RetentionRule(name="nothing", model="nosuchapp.thing", date_field="at",
                         default_days=1, legal_source="-")
    [outcome] = retention_run(rules=[rule])
    assert outcome.skipped == "model not installed"


def test_old_monitoring_positions_go_unless_they_are_near_a_breach(police, officer):
    from samspil.monitoring.constants import AlertTypeChoice
    from samspil.monitoring.models import Alert, Device, MonitoringOrder, PositionRecord

    tag = Device.objects.create(device_id="TAG-1", kind="tag", owner_organisation=police,
                                is_synthetic=True)
    breach_at = TODAY - timedelta(days=150)
    times = [TODAY - timedelta(days=10), TODAY - timedelta(days=120), breach_at]
    for moment in times:
        PositionRecord.objects.create(device=tag, time=moment, lat=55.6, lon=12.1,
                                      received_at=moment, source="test")
    person = register(officer, "Bærer")
    from samspil.cases.services import case_open

    case = case_open(actor=officer, case_type="ukn_screening",
                     municipality=roskilde_municipality(), person=person,
                     crime_class="anden_alvorlig")
    order = MonitoringOrder.objects.create(
        case=case, person=person, order_id="O-1", kind="restraining_order", tag=tag,
        valid_from=TODAY - timedelta(days=365), valid_to=TODAY, owner_organisation=police,
        is_synthetic=True)
    Alert.objects.create(order=order, type=AlertTypeChoice.ZONE_ENTER, device_id="TAG-1", time=breach_at,
                         raised_at=breach_at, confirmed_at=breach_at)
    with time_machine.travel(TODAY, tick=False):
        outcomes = {o.rule: o for o in retention_run()}
    assert outcomes["monitoring_positions"].erased == 1
    assert sorted(PositionRecord.objects.values_list("time", flat=True)) == [
        times[2], times[0]]


def test_the_command_runs_the_rules_as_of_a_date(old_matter):
    out = io.StringIO()
    call_command("retention", "run", "--as-of", "2025-06-01", "--dry-run", stdout=out)
    assert "closed_cases" in out.getvalue()
    assert Person.objects.filter(pk=old_matter["parent"].pk).exists()
    call_command("retention", "run", "--as-of", "2025-06-01", stdout=io.StringIO())
    assert not Person.objects.filter(pk=old_matter["parent"].pk).exists()
    assert audit_verify().ok


def test_the_daily_task_runs_the_rules(old_matter, settings):
    from samspil.operations.tasks import daily_retention

    result = daily_retention.call(as_of="2025-06-01")
    assert {r["rule"]: r["erased"] for r in result["rules"]}["closed_cases"] == 1


def test_every_rule_names_its_legal_source_and_a_documented_default():
    text = (__import__("pathlib").Path(__file__).resolve().parents[4] / "docs" / "SECURITY.md"
            ).read_text(encoding="utf-8")
    for rule in RULES:
        assert rule.legal_source
        assert f"`{rule.name}`" in text, rule.name
