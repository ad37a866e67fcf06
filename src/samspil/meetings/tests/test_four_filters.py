"""The step-wise sharing of a person end to end, through the services: the home agency raises,
the forum decides on de-identified data, identity goes only to the agencies named, they plan the
intervention — and the disclosures expire under the forum's rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from samspil.access.constants import GrantBasis, LegalBasis, Purpose
from samspil.access.models import AccessGrant, Disclosure
from samspil.access.policy import AccessDenied, read_one
from samspil.audit.models import AuditEntry
from samspil.meetings.constants import ConcernStatus, RecipientRole
from samspil.meetings.models import Concern
from samspil.meetings.selectors import concern_identified, concern_situation
from samspil.meetings.services import (
    action_create,
    concern_disclose,
    concern_threshold_decide,
    forum_update,
)
from samspil.meetings.tests.conftest import ADDRESS, BIRTH, CPR, FAMILY, GIVEN
from samspil.persons.models import Person

pytestmark = pytest.mark.django_db


def _can_read(user, person) -> bool:
    try:
        read_one(user, Person.objects.all(), pk=person.pk, purpose=Purpose.FORUM)
    except AccessDenied:
        return False
    return True


def _disclose(officer, concern, psychiatry, roskilde):
    return concern_disclose(
        actor=officer, concern=concern, lead_organisation=psychiatry,
        assisting_organisations=[roskilde], legal_basis=LegalBasis.RPL_115_1_2,
        what_is_shared="Navn, CPR-nummer, adresse og politiets PSP-hændelser de seneste 12 mdr.")


def test_the_four_filters_share_identity_only_with_the_agencies_named(
        officer, coordinator, caseworker, psychiatry_user, probation_user, other_caseworker,
        person, raise_concern, psychiatry, roskilde, probation):
    # Filter 1: the home agency, which can read the person, raises the concern.
    concern = raise_concern()
    assert concern.status == ConcernStatus.RAISED
    assert concern.age_band == "13-15"
    assert concern.municipality.code == "265"
    # Filter 2: the forum sees the situation de-identified; nobody but the police knows who.
    situation = concern_situation(user=probation_user, pk=concern.pk)
    assert situation.age_band_label and situation.municipality == "Roskilde"
    for user in (coordinator, caseworker, psychiatry_user, probation_user):
        assert not _can_read(user, person)
    decided = concern_threshold_decide(actor=coordinator, concern=concern, met=True,
                                       reason="Flere myndigheder er nødvendige.")
    assert decided.status == ConcernStatus.MET and decided.person_id == person.pk
    # Filter 3: identity to the lead and the assisting agency only.
    recipients = _disclose(officer, decided, psychiatry, roskilde)
    assert {(r.organisation_id, r.role) for r in recipients} == {
        (psychiatry.pk, RecipientRole.LEAD), (roskilde.pk, RecipientRole.ASSISTING)}
    disclosures = Disclosure.objects.filter(subject_type="persons.person", subject_id=person.pk)
    assert {d.to_organisation_id for d in disclosures} == {psychiatry.pk, roskilde.pk}
    for disclosure in disclosures:
        assert disclosure.legal_basis == LegalBasis.RPL_115_1_2
        assert disclosure.disclosed_by == officer
        assert disclosure.context == f"meetings.concern:{concern.pk}"
        assert "CPR-nummer" in disclosure.shared
        # The PSP forum's rule: 365 days.
        assert abs((disclosure.expires_at - disclosure.disclosed_at) - timedelta(days=365)) \
            < timedelta(seconds=5)
    assert _can_read(coordinator, person) and _can_read(caseworker, person)
    assert _can_read(psychiatry_user, person)
    assert not _can_read(probation_user, person)
    assert not _can_read(other_caseworker, person)
    # Filter 4: the lead and assisting agencies plan the intervention.
    action = action_create(actor=psychiatry_user, forum=concern.forum, concern=concern,
                           title="Opsøgende besøg med kommunens PSP-koordinator",
                           owner_organisation=roskilde,
                           due_date=timezone.localdate() + timedelta(days=14))
    assert action.concern_id == concern.pk
    with pytest.raises(AccessDenied):
        action_create(actor=probation_user, forum=concern.forum, concern=concern, title="x",
                      owner_organisation=probation, due_date=timezone.localdate())
    identified = concern_identified(user=caseworker, pk=concern.pk)
    assert identified.person == person
    with pytest.raises(AccessDenied):
        concern_identified(user=probation_user, pk=concern.pk)


def test_when_the_threshold_is_not_met_the_person_reference_is_gone(
        officer, coordinator, person, raise_concern, psychiatry, roskilde):
    concern = raise_concern()
    decided = concern_threshold_decide(actor=coordinator, concern=concern, met=False,
                                       reason="Kommunen har allerede en indsats.")
    assert decided.status == ConcernStatus.NOT_MET
    row = Concern.objects.get(pk=concern.pk)
    assert row.person_id is None
    assert row.age_band == "13-15" and row.risk_factors
    with pytest.raises(ValidationError):
        _disclose(officer, row, psychiatry, roskilde)
    assert not Disclosure.objects.exists()
    # No audit entry about the concern carries the person's id.
    entries = AuditEntry.objects.filter(object_type="meetings.concern", object_id=str(concern.pk))
    assert entries.count() == 2
    for entry in entries:
        assert "person_id" not in entry.changes
        assert str(person.pk) not in str(entry.changes.get("person", ""))


def test_the_database_refuses_a_person_on_a_concern_whose_threshold_was_not_met(
        coordinator, person, raise_concern):
    from django.db import IntegrityError, transaction

    concern = raise_concern()
    concern_threshold_decide(actor=coordinator, concern=concern, met=False, reason="Nej.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Concern.objects.filter(pk=concern.pk).update(person=person)


@pytest.mark.parametrize(("field", "text"), [
    ("risk_text", f"{GIVEN} er ofte væk fra skole."),
    ("risk_text", f"Familien {FAMILY.upper()} har flere udfordringer."),
    ("risk_text", "Familien Moerkegaard har flere udfordringer."),
    ("risk_text", f"CPR {CPR} er kendt af politiet."),
    ("risk_text", f"CPR {CPR.replace('-', '')} er kendt."),
    ("risk_text", f"Bor på {ADDRESS} sammen med sin mor."),
    ("risk_text", "Bor på skovbrynet med sin mor."),
    ("risk_text", f"Født {BIRTH:%d.%m.%Y}."),
    ("risk_text", f"Født {BIRTH.day}.{BIRTH.month}.{BIRTH.year}."),
    ("risk_text", f"Født {BIRTH:%Y-%m-%d}."),
    ("risk_text", f"Født {BIRTH:%d/%m-%y}."),
    ("risk_text", "Født 7. maj 2011."),
    ("risk_text", f"Født {BIRTH:%d%m%y}."),
    ("reason", f"Vi kender {GIVEN} {FAMILY} godt."),
])
def test_identifying_details_in_the_shared_text_are_refused_with_a_clear_message(
        raise_concern, field, text):
    with pytest.raises(ValidationError) as caught:
        raise_concern(**{field: text})
    message = " ".join(caught.value.message_dict[field])
    assert "without the person's identity" in message or "uden personens identitet" in message
    assert not Concern.objects.exists()


def test_ordinary_words_and_numbers_pass_the_identity_check(raise_concern):
    concern = raise_concern(risk_text="Har haft 3 episoder siden maj; skolen har 14 elever "
                                      "i klassen. Kaspers ven er nævnt.")
    assert concern.pk


def test_a_home_agency_that_cannot_read_the_person_cannot_raise_a_concern(
        coordinator, raise_concern):
    with pytest.raises(AccessDenied):
        raise_concern(actor=coordinator)
    assert not Concern.objects.exists()
    assert AuditEntry.objects.filter(action="read_denied", actor_username="pia",
                                     object_type="persons.person").exists()


def test_only_the_chair_decides_and_only_the_home_agency_discloses(
        officer, coordinator, psychiatry_user, raise_concern, psychiatry, roskilde):
    concern = raise_concern()
    with pytest.raises(AccessDenied):
        concern_threshold_decide(actor=psychiatry_user, concern=concern, met=True, reason="Ja")
    assert AuditEntry.objects.filter(action="read_denied", actor_username="psyk",
                                     object_type="meetings.concern").exists()
    concern_threshold_decide(actor=coordinator, concern=concern, met=True, reason="Ja.")
    with pytest.raises(AccessDenied):
        _disclose(coordinator, Concern.objects.get(pk=concern.pk), psychiatry, roskilde)
    assert not Disclosure.objects.exists()


def test_only_organisations_in_the_forum_can_be_named(
        officer, coordinator, raise_concern, psychiatry, koege):
    concern = raise_concern()
    concern_threshold_decide(actor=coordinator, concern=concern, met=True, reason="Ja.")
    with pytest.raises(ValidationError):
        concern_disclose(actor=officer, concern=Concern.objects.get(pk=concern.pk),
                         lead_organisation=psychiatry, assisting_organisations=[koege],
                         legal_basis=LegalBasis.RPL_115_1_2, what_is_shared="Navn")
    assert not Disclosure.objects.exists()


def test_disclosures_expire_under_the_forum_rule_and_the_recipients_lose_access(
        officer, coordinator, caseworker, psychiatry_user, person, raise_concern, psychiatry,
        roskilde, psp_forum):
    forum_update(actor=officer, forum=psp_forum, disclosure_expiry_days=30)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        concern = raise_concern()
        concern_threshold_decide(actor=coordinator, concern=concern, met=True, reason="Ja.")
        _disclose(officer, Concern.objects.get(pk=concern.pk), psychiatry, roskilde)
        grant = AccessGrant.objects.get(organisation=roskilde, basis=GrantBasis.DISCLOSURE)
        assert grant.expires_at == start + timedelta(days=30)
        assert _can_read(caseworker, person)
    with time_machine.travel(start + timedelta(days=29, hours=23), tick=False):
        assert _can_read(caseworker, person)
        assert _can_read(psychiatry_user, person)
    with time_machine.travel(start + timedelta(days=30, seconds=1), tick=False):
        assert not _can_read(caseworker, person)
        assert not _can_read(psychiatry_user, person)
        with pytest.raises(AccessDenied):
            concern_identified(user=caseworker, pk=concern.pk)
        # The home agency owns the person and keeps reading it.
        assert _can_read(officer, person)
