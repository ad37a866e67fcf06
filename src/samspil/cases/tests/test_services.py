"""Opening and moving cases through the one enforcement point."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from samspil.access.models import AccessGrant
from samspil.audit.models import AuditEntry
from samspil.cases import services
from samspil.cases.models import Case, CaseNote, CaseParticipant, CaseStatusChange
from samspil.organisations.models import Municipality

pytestmark = pytest.mark.django_db

ROSKILDE = "265"


def roskilde() -> Municipality:
    return Municipality.objects.get(code=ROSKILDE)


def open_ukn(officer, person, **extra):
    return services.case_open(actor=officer, case_type="ukn_screening", municipality=roskilde(),
                              person=person, crime_class="personfarlig", **extra)


class TestOpening:
    def test_an_officer_opens_a_ukn_screening_owned_by_the_police_with_a_30_day_deadline(
        self, officer, police, make_person
    ):
        person = make_person(police)
        opened = timezone.make_aware(datetime(2025, 3, 1, 10, 0))
        case = open_ukn(officer, person, opened_at=opened)
        assert case.owner_organisation == police
        assert case.state == "open"
        assert case.due_date == date(2025, 3, 31)
        assert case.case_ref == "UKN-2025-000001"
        assert case.confidentiality == "sensitive"
        assert case.crime_class == "personfarlig"
        history = list(case.status_changes.all())
        assert [(h.from_state, h.to_state, h.action) for h in history] == [("", "open", "create")]
        assert AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk),
                                         action="create").exists()

    def test_references_count_up_per_type_and_year(self, officer, police, make_person):
        first = open_ukn(officer, make_person(police))
        second = open_ukn(officer, make_person(police))
        year = timezone.localdate().year
        assert first.case_ref == f"UKN-{year}-000001"
        assert second.case_ref == f"UKN-{year}-000002"

    def test_the_municipality_takes_part_and_may_read_case_and_person(
        self, officer, police, roskilde, make_person
    ):
        person = make_person(police)
        case = open_ukn(officer, person)
        assert CaseParticipant.objects.filter(case=case, organisation=roskilde).exists()
        assert AccessGrant.objects.filter(organisation=roskilde, subject_type="cases.case",
                                          subject_id=case.pk).exists()
        assert AccessGrant.objects.filter(organisation=roskilde, subject_type="persons.person",
                                          subject_id=person.pk).exists()

    def test_the_owner_gets_access_to_a_person_it_does_not_own(
        self, officer, police, roskilde, make_person
    ):
        person = make_person(roskilde)
        services.case_open(actor=officer, case_type="victim_followup", municipality=roskilde.municipality,
                           person=person, system=True)
        assert AccessGrant.objects.filter(organisation=police, subject_type="persons.person",
                                          subject_id=person.pk).exists()

    def test_a_case_needs_a_person_except_an_officer_request(self, officer):
        with pytest.raises(services.CaseError) as error:
            services.case_open(actor=officer, case_type="victim_followup",
                               municipality=roskilde())
        assert error.value.case_code == "person_required"
        case = services.case_open(actor=officer, case_type="officer_request",
                                  municipality=roskilde(), origin="mopeds")
        assert case.person is None

    def test_a_missing_creation_field_is_a_clear_validation_error(self, officer, police,
                                                                  make_person):
        with pytest.raises(services.CaseError) as error:
            services.case_open(actor=officer, case_type="victim_support_referral",
                               municipality=roskilde(), person=make_person(police))
        assert error.value.case_code == "field_required"
        assert "consent_at" in error.value.message_dict

    def test_an_outsider_cannot_open_a_case_in_another_district(self, outsider, police,
                                                                 make_person):
        with pytest.raises(services.CaseRefused):
            open_ukn(outsider, make_person(police))

    def test_a_caseworker_cannot_open_for_another_municipality(self, caseworker, roskilde,
                                                               make_person):
        with pytest.raises(services.CaseRefused):
            services.case_open(actor=caseworker, case_type="psp_discussion",
                               municipality=Municipality.objects.get(code="259"),
                               person=make_person(roskilde))

    def test_the_wrong_role_is_refused(self, caseworker, roskilde, make_person):
        with pytest.raises(services.CaseRefused):
            services.case_open(actor=caseworker, case_type="area_ban", municipality=roskilde.municipality,
                               person=make_person(roskilde), fields={"area": "Torvet", "radius_m": 500})

    def test_no_owner_organisation_is_a_clear_error(self, officer, make_person, police):
        with pytest.raises(services.CaseError) as error:
            services.case_open(actor=officer, case_type="conflict_mediation",
                               municipality=roskilde(), person=make_person(police))
        assert error.value.case_code == "no_owner"

    def test_an_unknown_field_is_an_error_not_silently_dropped(self, officer, police,
                                                               make_person):
        with pytest.raises(services.CaseError):
            services.case_open(actor=officer, case_type="victim_followup",
                               municipality=roskilde(), person=make_person(police),
                               fields={"consent": "2025-01-01"})


class TestTransitions:
    def test_closing_records_the_outcome_and_appends_history(self, officer, police, make_person):
        case = open_ukn(officer, make_person(police))
        case = services.case_transition(actor=officer, case=case, action="screen",
                                        outcome="referred_ukn", note="Sent to UKN")
        assert case.state == "screened"
        assert case.outcome == "referred_ukn"
        assert case.closed_at is not None
        rows = list(CaseStatusChange.objects.filter(case=case).order_by("id"))
        assert [(r.from_state, r.to_state, r.outcome) for r in rows] == [
            ("", "open", ""), ("open", "screened", "referred_ukn"),
        ]
        entry = AuditEntry.objects.filter(action="transition", object_id=str(case.pk)).get()
        assert entry.changes["state"] == ["open", "screened"]
        assert entry.changes["outcome"] == ["", "referred_ukn"]

    def test_a_refused_step_changes_nothing(self, officer, police, make_person):
        case = open_ukn(officer, make_person(police))
        with pytest.raises(services.CaseError) as error:
            services.case_transition(actor=officer, case=case, action="screen",
                                     outcome="sent")
        assert error.value.case_code == "invalid_outcome"
        case.refresh_from_db()
        assert case.state == "open" and case.outcome == ""
        assert case.status_changes.count() == 1

    def test_another_organisation_is_refused(self, officer, other_caseworker, police,
                                             make_person):
        case = open_ukn(officer, make_person(police))
        with pytest.raises(services.CaseRefused):
            services.case_transition(actor=other_caseworker, case=case, action="screen",
                                     outcome="not_relevant")

    def test_a_participating_caseworker_may_screen(self, officer, caseworker, police,
                                                   make_person):
        case = open_ukn(officer, make_person(police))
        case = services.case_transition(actor=caseworker, case=case, action="screen",
                                        outcome="not_relevant")
        assert case.state == "screened"

    def test_an_area_ban_is_extended_30_days_at_a_time_up_to_six_months(
        self, officer, police, make_person
    ):
        opened = timezone.make_aware(datetime(2025, 1, 10, 12, 0))
        case = services.case_open(actor=officer, case_type="area_ban", municipality=roskilde(),
                                  person=make_person(police), opened_at=opened,
                                  fields={"area": "Stationen", "radius_m": "500"})
        assert case.due_date == date(2025, 2, 9)
        assert case.fields["radius_m"] == 500
        dues = []
        with pytest.raises(services.CaseError) as error:
            for _ in range(10):
                case = services.case_extend(actor=officer, case=case,
                                            fields={"extension_reason": "Fortsat uro"})
                dues.append(case.due_date)
        assert error.value.case_code == "extension_limit"
        assert dues[0] == date(2025, 3, 11)
        assert max(dues) <= date(2025, 7, 10)
        assert case.state == "extended"
        assert case.extension_days == 30 * len(dues)

    def test_a_strakstilhold_has_60_days_and_an_ordinary_request_none(self, officer, police,
                                                                      make_person):
        immediate = services.case_open(actor=officer, case_type="restraining_order_request",
                                       municipality=roskilde(), person=make_person(police),
                                       fields={"variant": "immediate"})
        ordinary = services.case_open(actor=officer, case_type="restraining_order_request",
                                      municipality=roskilde(), person=make_person(police),
                                      fields={"variant": "ordinary"})
        assert immediate.due_date == timezone.localdate() + timedelta(days=60)
        assert ordinary.due_date is None

    def test_the_automatic_system_role_cannot_take_human_steps(self, officer, police,
                                                               make_person):
        case = open_ukn(officer, make_person(police))
        with pytest.raises(services.CaseRefused):
            services.case_transition(actor=None, case=case, action="screen",
                                     outcome="not_relevant", system=True)


class TestAssignmentAndNotes:
    def test_assign_to_a_colleague_and_back_to_nobody(self, officer, second_officer, police,
                                                      make_person):
        case = open_ukn(officer, make_person(police))
        case = services.case_assign(actor=officer, case=case, assignee=second_officer)
        assert case.assigned_to == second_officer
        case = services.case_assign(actor=officer, case=case, assignee=None)
        assert case.assigned_to is None

    def test_assigning_to_a_user_of_another_organisation_is_refused(
        self, officer, caseworker, police, make_person
    ):
        case = open_ukn(officer, make_person(police))
        with pytest.raises(services.CaseError):
            services.case_assign(actor=officer, case=case, assignee=caseworker)

    def test_bulk_assignment_is_all_or_nothing(self, officer, second_officer, caseworker,
                                               police, roskilde, make_person):
        mine = [open_ukn(officer, make_person(police)) for _ in range(3)]
        theirs = services.case_open(actor=caseworker, case_type="psp_discussion",
                                    municipality=roskilde.municipality,
                                    person=make_person(roskilde))
        with pytest.raises(services.CaseRefused):
            services.cases_bulk_assign(actor=officer,
                                       case_ids=[c.pk for c in mine] + [theirs.pk],
                                       assignee=second_officer)
        assert not Case.objects.filter(assigned_to=second_officer).exists()
        count = services.cases_bulk_assign(actor=officer, case_ids=[c.pk for c in mine],
                                           assignee=second_officer)
        assert count == 3
        assert Case.objects.filter(assigned_to=second_officer).count() == 3

    def test_a_note_is_added_by_a_participant_only(self, officer, other_caseworker, police,
                                                   make_person):
        case = open_ukn(officer, make_person(police))
        services.case_note_add(actor=officer, case=case, text="Talked to the school.")
        assert CaseNote.objects.filter(case=case).count() == 1
        with pytest.raises(services.CaseRefused):
            services.case_note_add(actor=other_caseworker, case=case, text="Not mine")


def test_history_rows_are_never_updated_by_later_steps(officer, police, make_person):
    case = services.case_open(actor=officer, case_type="victim_followup",
                              municipality=roskilde(), person=make_person(police))
    first = CaseStatusChange.objects.get(case=case)
    before = (first.pk, first.from_state, first.to_state, first.at)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        services.case_transition(actor=officer, case=case, action="attempt_contact")
        services.case_transition(actor=officer, case=case, action="attempt_contact")
        services.case_transition(actor=officer, case=case, action="close", outcome="contacted")
    first.refresh_from_db()
    assert (first.pk, first.from_state, first.to_state, first.at) == before
    assert CaseStatusChange.objects.filter(case=case).count() == 4
