"""The access policy on a real OwnedRecord: users are OwnedRecord-free, so we use Disclosure-backed
grants against a user record as the subject. Person-level tests live with the persons app."""

from __future__ import annotations

import pytest

from samspil.access.constants import LegalBasis, Purpose
from samspil.access.policy import AccessDenied, purposes_of, require_purpose
from samspil.access.services import DisclosureError, disclosure_create
from samspil.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_roles_grant_only_their_purposes(officer, dpo):
    assert Purpose.CASEWORK in purposes_of(officer)
    assert Purpose.AUDIT not in purposes_of(officer)
    require_purpose(dpo, Purpose.AUDIT)
    with pytest.raises(AccessDenied):
        require_purpose(dpo, Purpose.CASEWORK)


def test_a_disclosure_records_its_basis_grants_access_and_is_audited(officer, caseworker):
    subject = caseworker  # any model instance will do as the subject here
    disclosure = disclosure_create(
        actor=officer,
        subject=subject,
        to_organisation=caseworker.organisation,
        legal_basis=LegalBasis.RPL_115_1_1,
        purpose="SSP-møde",
        shared="identitet",
    )
    assert disclosure.grants.get().organisation == caseworker.organisation
    entry = AuditEntry.objects.filter(action="disclose").get()
    assert entry.changes["legal_basis"] == LegalBasis.RPL_115_1_1


def test_a_disclosure_outside_the_district_is_refused(officer, outsider):
    with pytest.raises(DisclosureError):
        disclosure_create(
            actor=officer,
            subject=outsider,
            to_organisation=outsider.organisation,
            legal_basis=LegalBasis.RPL_115_1_1,
            purpose="x",
            shared="y",
        )


def test_a_disclosure_needs_a_known_legal_basis(officer, caseworker):
    with pytest.raises(DisclosureError):
        disclosure_create(
            actor=officer,
            subject=caseworker,
            to_organisation=caseworker.organisation,
            legal_basis="because",
            purpose="x",
            shared="y",
        )
