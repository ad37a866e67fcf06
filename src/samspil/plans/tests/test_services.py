"""Writes to plans: who may, what is checked, what the audit trail holds, and that an
evaluation freezes the measured values."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samspil.audit.models import AuditEntry
from samspil.interchange.services import bundle_import
from samspil.meetings.constants import ForumKind
from samspil.organisations.models import Municipality
from samspil.plans import services
from samspil.plans.constants import PlanStatus
from samspil.plans.models import CooperationPlan, EvaluationEntry
from samspil.plans.tests.conftest import burglary_bundle_files

pytestmark = pytest.mark.django_db


def test_creating_and_changing_a_plan_is_audited_with_old_and_new_values(officer, plan):
    created = AuditEntry.objects.get(object_type="plans.cooperationplan",
                                     object_id=str(plan.pk), action="create")
    assert created.actor_id == officer.pk
    assert created.changes["title"] == [None, "Samarbejdsplan 2025 for Roskilde"]
    services.plan_update(actor=officer, plan=plan, title="Roskildes plan 2025")
    updated = AuditEntry.objects.get(object_type="plans.cooperationplan",
                                     object_id=str(plan.pk), action="update")
    assert updated.changes == {"title": ["Samarbejdsplan 2025 for Roskilde",
                                         "Roskildes plan 2025"]}


def test_the_parts_of_a_plan_are_audited(area, burglaries):
    for label, pk in (("plans.focusarea", area.pk), ("plans.indicator", burglaries.pk)):
        assert AuditEntry.objects.filter(object_type=label, object_id=str(pk),
                                         action="create").exists()
    assert AuditEntry.objects.filter(object_type="plans.activity", action="create").count() == 2


def test_an_ssp_coordinator_edits_the_municipality_plan_but_a_caseworker_does_not(
        plan, ssp, caseworker):
    services.plan_update(actor=ssp, plan=plan, introduction="SSP har skrevet med.")
    with pytest.raises(PermissionDenied):
        services.focus_area_add(actor=caseworker, plan=plan, title="Min egen")
    assert AuditEntry.objects.filter(actor_id=caseworker.pk, action="read_denied").exists()


def test_another_municipality_does_not_write_roskildes_plan(plan, make_user, koege):
    from samspil.accounts.constants import Role

    koege_ssp = make_user("kasper", koege, Role.SSP_COORDINATOR)
    with pytest.raises(PermissionDenied):
        services.plan_update(actor=koege_ssp, plan=plan, title="Køges plan")
    assert CooperationPlan.objects.get(pk=plan.pk).title == "Samarbejdsplan 2025 for Roskilde"


def test_an_outsider_cannot_create_a_plan_in_another_district(outsider, district):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=outsider, year=2025, district=district, title="Fremmed")
    assert not CooperationPlan.objects.exists()


def test_a_plan_is_one_per_year_and_place(officer, plan):
    with pytest.raises(ValidationError) as error:
        services.plan_create(actor=officer, year=2025, district=plan.district,
                             municipality=plan.municipality, title="Igen")
    assert "year" in error.value.message_dict


def test_only_the_kredsraad_or_a_lokalraad_designates_focus_areas(officer, plan, fora):
    with pytest.raises(ValidationError) as error:
        services.focus_area_add(actor=officer, plan=plan, title="SSP's eget",
                                designated_by=fora[ForumKind.SSP])
    assert "designated_by" in error.value.message_dict
    area = services.focus_area_add(actor=officer, plan=plan, title="Lokalrådets eget",
                                   designated_by=fora[ForumKind.LOKALRAAD])
    assert area.designated_by == fora[ForumKind.LOKALRAAD]


def test_a_municipality_outside_the_district_is_refused(officer, district):
    with pytest.raises(ValidationError) as error:
        services.plan_create(actor=officer, year=2026, district=district, title="Vejen?",
                             municipality=Municipality.objects.get(code="575"))
    assert "municipality" in error.value.message_dict


def test_an_activity_needs_someone_responsible(officer, area):
    with pytest.raises(ValidationError):
        services.activity_add(actor=officer, focus_area=area, activity="Ingen ansvarlig")
    row = services.activity_add(actor=officer, focus_area=area, activity="Børnehus",
                                responsible_text="Koordinationsgruppe nedsat")
    assert row.responsible == "Koordinationsgruppe nedsat"


def test_a_plan_is_adopted_then_evaluated_and_the_evaluation_freezes_the_values(
        officer, administrator, police, plan, burglaries, bundle):
    with pytest.raises(ValidationError):
        services.evaluation_record(actor=officer, plan=plan, texts={})
    adopted = services.plan_adopt(actor=officer, plan=plan)
    assert adopted.status == PlanStatus.ADOPTED and adopted.adopted_at is not None
    assert bundle_import(actor=administrator, organisation=police, is_synthetic=True,
                         path=bundle(burglary_bundle_files([
                             ("PL-1", "2024-04-01T10:00:00", "265"),
                             ("PL-2", "2025-04-01T10:00:00", "265"),
                             ("PL-3", "2025-05-01T10:00:00", "265"),
                         ]))).ok
    evaluation = services.evaluation_record(
        actor=officer, plan=plan, texts={burglaries.pk: "Flere indbrud end sidste år."},
        summary="Indsatsen fortsætter.")
    entry = EvaluationEntry.objects.get(evaluation=evaluation, indicator=burglaries)
    assert (entry.value, entry.comparison_value, entry.change, entry.on_target) == (2, 1, 1,
                                                                                     False)
    assert entry.text == "Flere indbrud end sidste år."
    assert entry.definition["parameters"] == {"categories": ["burglary"]}
    assert CooperationPlan.objects.get(pk=plan.pk).status == PlanStatus.EVALUATED
    audit = AuditEntry.objects.get(object_type="plans.evaluation", object_id=str(evaluation.pk))
    assert audit.changes["frozen_values"] == [None, {str(burglaries.pk): [2, 1]}]

    # Later imports change the live figure, never the evaluation.
    assert bundle_import(actor=administrator, organisation=police, is_synthetic=True,
                         path=bundle(burglary_bundle_files([
                             ("PL-4", "2025-06-01T10:00:00", "265")]))).ok
    entry.refresh_from_db()
    assert entry.value == 2
    # An evaluated plan is a record: it is no longer changed.
    with pytest.raises(ValidationError):
        services.plan_update(actor=officer, plan=plan, title="Ændret bagefter")
