"""Writes to the access ledger: disclosures and the grants they give."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from samspil.access.constants import GrantBasis, LegalBasis
from samspil.access.models import AccessGrant, Disclosure
from samspil.audit.constants import Action
from samspil.audit.services import audit_record


class DisclosureError(ValueError):
    pass


def record_access_grant(*, organisation_id: int, subject: Model, source: Model) -> AccessGrant:
    """Give an organisation read access to `subject` because it holds `source` (e.g. a case)."""
    grant, _created = AccessGrant.objects.get_or_create(
        organisation_id=organisation_id,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        source=f"{source._meta.label_lower}:{source.pk}",
        defaults={"basis": GrantBasis.RECORD},
    )
    return grant


@transaction.atomic
def disclosure_create(
    *,
    actor: Any,
    subject: Model,
    to_organisation: Any,
    legal_basis: str,
    purpose: str,
    shared: str,
    expires_at: datetime | None = None,
    context: str = "",
) -> Disclosure:
    """Disclose `subject` to another organisation: record the basis, grant access, audit it."""
    if legal_basis not in LegalBasis.values:
        raise DisclosureError(_("Unknown legal basis: %(basis)s") % {"basis": legal_basis})
    if not purpose.strip() or not shared.strip():
        raise DisclosureError(
            _("A disclosure needs a purpose and a description of what is shared.")
        )
    if actor.organisation_id is None:
        raise DisclosureError(_("Only a member of an organisation can disclose."))
    if to_organisation.pk == actor.organisation_id:
        raise DisclosureError(_("An organisation cannot disclose to itself."))
    if to_organisation.district_id != actor.organisation.district_id:
        raise DisclosureError(_("Disclosures under § 115 stay within the police district."))
    disclosure = Disclosure.objects.create(
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        from_organisation_id=actor.organisation_id,
        to_organisation=to_organisation,
        legal_basis=legal_basis,
        purpose=purpose.strip(),
        shared=shared.strip(),
        disclosed_by=actor,
        expires_at=expires_at,
        context=context,
    )
    AccessGrant.objects.create(
        organisation=to_organisation,
        subject_type=disclosure.subject_type,
        subject_id=disclosure.subject_id,
        basis=GrantBasis.DISCLOSURE,
        source=f"access.disclosure:{disclosure.pk}",
        disclosure=disclosure,
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action=Action.DISCLOSE,
        obj=subject,
        reason=purpose,
        changes={
            "to_organisation": to_organisation.pk,
            "legal_basis": legal_basis,
            "shared": shared,
            "expires_at": expires_at,
            "context": context,
            "disclosure": disclosure.pk,
        },
    )
    return disclosure
