"""Planted families for each clause and each exclusion, through the database path: persons,
relations and incidents registered by the services, screened by ``screening_run``."""

from __future__ import annotations

from datetime import date

import pytest

from samspil.audit.models import AuditEntry
from samspil.risk.constants import HitPersonRole, HitStatus, Trigger
from samspil.risk.models import Hit, HitIncident, HitPerson, ScreeningRun
from samspil.risk.services import family_key_text, screening_run
from samspil.risk.tests.conftest import AS_OF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def run(district, **kwargs):
    return screening_run(as_of=kwargs.pop("as_of", AS_OF), district=district, **kwargs)


def keys(outcome):
    return [(tuple(h["caregivers"]), tuple(h["children"]), h["score"], h["clause"])
            for h in outcome.report()["hits"]]


def test_clause_a_by_one_serious_incident_is_stored_with_its_explanation(town, district):
    mother, father, (kid,) = town.family()
    incident = town.incident("domestic_violence", (father, "charged"))
    outcome = run(district)
    assert keys(outcome) == [(("far", "mor"), ("barn0",), 3, "a")]
    hit = Hit.objects.get()
    assert (hit.status, hit.clause, hit.score, hit.child_count) == (HitStatus.OPEN, "a", 3, 1)
    assert hit.family_key == family_key_text(tuple(sorted([mother.pk, father.pk])))
    assert hit.rule_set_version.version == "v1"
    assert hit.confidentiality == "sensitive"
    assert hit.explanation["journal_nos"] == [incident.journal_no]
    assert set(HitPerson.objects.values_list("person_id", "role")) == {
        (mother.pk, HitPersonRole.CAREGIVER), (father.pk, HitPersonRole.CAREGIVER),
        (kid.pk, HitPersonRole.CHILD),
    }
    assert list(HitIncident.objects.values_list("incident_id", "weight")) == [(incident.pk, 3)]


def test_clause_a_by_a_child_present(town, district):
    mother, _, (kid,) = town.family()
    town.incident("domestic_disturbance", (mother, "involved"), (kid, "child_present"))
    assert keys(run(district)) == [(("far", "mor"), ("barn0",), 1, "a")]


def test_clause_b_by_two_incidents_scoring_four(town, district):
    mother, father, _ = town.family()
    town.incident("violence", (father, "suspect"), days_ago=200)
    town.incident("drunk_driving", (mother, "charged"), days_ago=3)
    assert keys(run(district)) == [(("far", "mor"), ("barn0",), 4, "b")]


def test_one_minor_incident_is_not_enough(town, district):
    mother, _, _ = town.family()
    town.incident("violence", (mother, "suspect"))
    assert keys(run(district)) == []


def test_adults_without_children_are_not_screened(town, district):
    lonely = town.person("alene")
    partner = town.person("partner")
    town.parent_of(lonely, partner, kind="partner")
    town.incident("domestic_violence", (lonely, "charged"))
    assert keys(run(district)) == []


def test_a_child_who_turned_18_is_no_longer_a_child(town, district):
    mother = town.person("mor")
    grown = town.person("voksen", born=AS_OF.replace(year=AS_OF.year - 18))  # 18 today
    town.parent_of(mother, grown)
    town.incident("domestic_violence", (mother, "charged"))
    assert keys(run(district)) == []
    younger = town.person("yngre", born=date(2007, 7, 1))  # 18 tomorrow
    town.parent_of(mother, younger)
    assert keys(run(district)) == [(("mor",), ("yngre",), 3, "a")]


def test_an_incident_outside_the_window_does_not_count(town, district):
    mother, _, _ = town.family()
    town.incident("domestic_violence", (mother, "charged"), days_ago=365)  # the 366th day
    assert keys(run(district)) == []
    town.incident("sexual_offence", (mother, "charged"), days_ago=364)  # the 365th day
    assert keys(run(district))[0][2:] == (3, "a")


def test_a_witness_does_not_count(town, district):
    mother, father, _ = town.family()
    town.incident("domestic_violence", (mother, "witness"))
    town.incident("violence", (father, "witness"))
    town.incident("violence", (father, "reporter"))
    assert keys(run(district)) == []


def test_a_run_is_recorded_and_audited_once_with_counts(town, district):
    mother, _, _ = town.family()
    town.incident("domestic_violence", (mother, "charged"))
    Hit.objects.all().delete()  # the per-incident rule already raised it: start clean
    before = AuditEntry.objects.count()
    outcome = run(district)
    run_row = ScreeningRun.objects.get(trigger=Trigger.COMMAND)
    assert outcome.run == run_row
    assert (run_row.families_found, run_row.hits_created) == (1, 1)
    entries = list(AuditEntry.objects.filter(seq__gt=before))
    assert len(entries) == 1
    assert entries[0].object_type == "risk.screeningrun"
    assert entries[0].purpose == "screening"
    assert entries[0].changes["created"] == 1


def test_an_unchanged_rerun_writes_no_hit(town, district):
    mother, _, _ = town.family()
    town.incident("domestic_violence", (mother, "charged"))
    run(district)
    hit = Hit.objects.get()
    second = run(district)
    assert second.counts["created"] == second.counts["updated"] == 0
    assert Hit.objects.get().updated_at == hit.updated_at


def test_a_dry_run_stores_nothing(town, district):
    mother, _, _ = town.family()
    town.incident("domestic_violence", (mother, "charged"))
    Hit.objects.all().delete()
    outcome = run(district, dry_run=True)
    assert outcome.run is None and len(outcome.hits) == 1
    assert not Hit.objects.exists()
    assert not ScreeningRun.objects.filter(trigger=Trigger.COMMAND).exists()


def test_a_dismissed_hit_stays_dismissed_without_enough_new_weight_and_reopens_with_it(
    town, district, reviewer
):
    from samspil.risk.services import hit_dismiss

    mother, father, _ = town.family()
    town.incident("domestic_violence", (mother, "charged"), days_ago=30)
    run(district)
    hit = hit_dismiss(actor=reviewer, hit=Hit.objects.get(), reason="Kendt af kommunen.")
    town.incident("threats", (father, "suspect"), days_ago=5)  # weight 1: not enough
    run(district)
    hit.refresh_from_db()
    assert hit.status == HitStatus.DISMISSED
    town.incident("threats", (father, "suspect"), days_ago=2)  # 1 + 1 = 2 new: reopens
    run(district)
    hit.refresh_from_db()
    assert hit.status == HitStatus.OPEN
    assert hit.previous_decision["reason"] == "Kendt af kommunen."
    assert hit.score == 5
    assert Hit.objects.count() == 1
